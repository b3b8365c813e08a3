"""The import contracts cover every app (ADR 22). import-linter checks only the packages
it is told of: an app left out of `root_packages` or of the layers would go unchecked."""

import re
import tomllib
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _importlinter() -> dict[str, Any]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    importlinter: dict[str, Any] = pyproject["tool"]["importlinter"]
    return importlinter


def _layered_apps(contract: dict[str, Any]) -> set[str]:
    return {app.strip() for layer in contract["layers"] for app in re.split(r"[|:]", layer)}


def _project_apps() -> set[str]:
    """The installed apps whose code is in this repository."""
    return {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == ROOT and "site-packages" not in config.path
    }


def test_every_app_is_checked():
    importlinter = _importlinter()
    project = _project_apps()
    assert {"core", "agencies", "bootstrap", "health"} <= project
    assert set(importlinter["root_packages"]) == project | {"config"}
    layers = next(c for c in importlinter["contracts"] if c["name"].startswith("Apps import"))
    # health and config stand at the edges, under contracts of their own.
    assert _layered_apps(layers) == project - {"health"}

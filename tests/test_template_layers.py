"""The layers hold for templates too: a template of an app loads only tag libraries of its
own app, of the apps below it, or of third-party packages. import-linter sees Python
imports only, and `{% load %}` is how a template would reach upwards."""

import re
import tomllib
from pathlib import Path

from django.conf import settings
from django.template import engines

ROOT = Path(settings.BASE_DIR)
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def _ranks() -> dict[str, int]:
    """App -> its layer's height, from the import contract in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = config["contracts"][0]["layers"]
    return {
        app.strip(): height
        for height, layer in enumerate(reversed(layers))
        for app in layer.split("|")
    }


def _library_apps() -> dict[str, str]:
    """Tag library name -> the top-level package that defines it."""
    libraries = engines["django"].engine.template_libraries  # type: ignore[attr-defined]
    return {name: library_module(lib) for name, lib in libraries.items()}


def library_module(library: object) -> str:
    for function in [*library.tags.values(), *library.filters.values()]:  # type: ignore[attr-defined]
        return str(function.__module__).split(".", 1)[0]
    return ""


def test_no_template_loads_a_library_of_a_higher_app() -> None:
    ranks = _ranks()
    owners = _library_apps()
    upward = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        app = path.relative_to(ROOT / "templates").parts[0]
        rank = ranks.get(app, 0)  # base.html and the shared includes sit at the bottom
        for match in LOAD.finditer(path.read_text()):
            for name in match.group(1).split():
                owner = owners.get(name, "")
                if owner in ranks and ranks[owner] > rank:
                    upward.append(f"{path.relative_to(ROOT)} loads {name} of {owner}")
    assert not upward, upward


def test_the_check_knows_the_project_libraries() -> None:
    """The check would pass vacuously if no library were attributed to an app."""
    owners = _library_apps()
    assert owners["history_labels"] == "history"
    assert owners["form_fields"] in _ranks()

"""The shipped pathway templates (docs/design.md §2 and §4), as YAML data in pathways/data/.

Each file is named after its template's code and says its version. Loading imports a file
as that version, published, only while no version of the code has that number or a higher
one: a new shipped version reaches a running service on its next `load_defaults`, but a
coordinator's own later version is never overwritten, and no running path changes (a
case keeps the version it started on).
"""

from pathlib import Path

import yaml
from django.db import transaction

from pathways.models import PathwayTemplate
from pathways.templates.yaml_io import template_import

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def shipped_template_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def shipped_version(text: str) -> int:
    """The `version` a shipped file states (1 when it states none)."""
    document = yaml.safe_load(text)
    version = document.get("version", 1) if isinstance(document, dict) else 1
    return version if isinstance(version, int) and version > 0 else 1


@transaction.atomic
def pathway_defaults_load() -> None:
    for path in shipped_template_files():
        text = path.read_text(encoding="utf-8")
        version = shipped_version(text)
        if PathwayTemplate.objects.filter(code=path.stem, version__gte=version).exists():
            continue
        template_import(text=text, user=None, publish=True, version=version)

"""The shipped pathway templates (DESIGN.md §2 and §4), as YAML data in pathways/data/.

Each file is named after its template's code. Loading imports a file as the code's first,
published version only when no version of that code exists, so that coordinators' later
versions are never overwritten and a changed file never changes a running path.
"""

from pathlib import Path

from django.db import transaction

from pathways.models import PathwayTemplate
from pathways.yaml_io import template_import

DATA_DIR = Path(__file__).resolve().parent / "data"


def shipped_template_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


@transaction.atomic
def pathway_defaults_load() -> None:
    for path in shipped_template_files():
        if PathwayTemplate.objects.filter(code=path.stem).exists():
            continue
        template_import(text=path.read_text(encoding="utf-8"), user=None, publish=True)

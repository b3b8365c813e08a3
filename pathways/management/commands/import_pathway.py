from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.templates.yaml_io import TemplateImportError, template_import, template_text_decode


class Command(BaseCommand):
    help = (
        "Import a pathway template from a YAML file (docs/pathway-format.md) as the next "
        "version of its code: a draft unless --publish is given. Existing versions and "
        "running cases are never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="YAML file")
        parser.add_argument(
            "--publish", action="store_true", help="publish the new version at once"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = template_text_decode(data=path.read_bytes())
            template = template_import(text=text, user=None, publish=options["publish"])
        except TemplateImportError as error:
            for message in error.messages:
                self.stderr.write(f"{path}: {message}")
            raise CommandError(
                f"{len(error.problems)} problem(s) in {path}; nothing was imported."
            ) from error
        if options["verbosity"]:
            state = "published" if template.published_at else "a draft"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {template.code} as version {template.version} ({state})."
                )
            )

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.models import PathwayTemplate
from pathways.templates.yaml_io import template_export


class Command(BaseCommand):
    help = (
        "Write a pathway template version as YAML (docs/pathway-format.md); "
        "the latest published version unless --version is given."
    )

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        # Here --version picks the template version, not Django's version.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the template's code, e.g. release-adult")
        parser.add_argument(
            "--version", type=int, dest="template_version", metavar="N", help="version number"
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write; standard output by default"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code: str = options["code"]
        number: int | None = options["template_version"]
        versions = PathwayTemplate.objects.filter(code=code)
        if number is not None:
            template = versions.filter(version=number).first()
            if template is None:
                raise CommandError(f"No version {number} of the pathway template {code}.")
        else:
            template = versions.filter(published_at__isnull=False).order_by("-version").first()
            if template is None:
                raise CommandError(
                    f"No published version of the pathway template {code}; give --version."
                )
        text = template_export(template=template)
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            if options["verbosity"]:
                self.stderr.write(f"Wrote {code} version {template.version} to {output}.")

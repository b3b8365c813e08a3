from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.reference_data import ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = (
        "Load or update municipalities, regions, wellbeing services counties, employment "
        "areas and Kela service areas from Statistics Finland's municipality key CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="CSV file; defaults to the newest agencies/data/municipalities-*.csv",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        if path is not None and not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = reference_data_load(path=path)
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(str(result)))

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dpo.roles import app_role_grant


class Command(BaseCommand):
    help = (
        "Give the application's database role its privileges: every ordinary table, but "
        "only SELECT and INSERT on the logs and their seals. Run as the owner role; "
        "`migrate` does it itself when DATABASE_OWNER_URL is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application's role, e.g. polku_app")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            granted = app_role_grant(role=options["role"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("granted" if granted else "no roles on this database: nothing done")

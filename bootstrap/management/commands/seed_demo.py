import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.demo import DEMO_USERS, seed_demo_agencies
from agencies.models import Municipality
from meetings.demo import seed_demo_gatherings, seed_demo_meetings
from pathways.demo import seed_demo_cases
from pathways.templates.defaults import pathway_defaults_load
from plans.demo import seed_demo_plans
from referrals.law.defaults import legal_defaults_load

# The command lives in the top layer so that it can seed every layer below it.


class Command(BaseCommand):
    help = "Create the demo region's agencies, personas and contact persons (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set every persona's password to the demo password again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Municipality.objects.filter(is_active=True).exists():
            raise CommandError("Load the reference data first: manage.py load_reference_data")
        password = os.environ.get("DEMO_PASSWORD", "")
        if not password:
            if not settings.DEVELOPMENT:
                raise CommandError(
                    "Set DEMO_PASSWORD: the default demo password is for development only."
                )
            password = settings.DEMO_PASSWORD_DEFAULT
        agencies, users = seed_demo_agencies(
            password=password, reset_passwords=options["reset_passwords"]
        )
        legal_defaults_load()
        pathway_defaults_load()
        seed_demo_cases(agencies=agencies, users=users)
        seed_demo_plans()
        seed_demo_gatherings()
        seed_demo_meetings()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(DEMO_USERS)} personas."))

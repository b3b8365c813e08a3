from typing import Any

from django.core.management.base import BaseCommand

from pathways.templates.defaults import pathway_defaults_load
from referrals.law.defaults import legal_defaults_load
from retention.defaults import retention_defaults_load


class Command(BaseCommand):
    help = (
        "Load the shipped legal bases, data categories, disclosure matrix, pathway "
        "templates and retention periods; rows that administrators or coordinators changed "
        "are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        legal_defaults_load()
        pathway_defaults_load()
        retention_defaults_load()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Legal bases and pathway templates are in place."))

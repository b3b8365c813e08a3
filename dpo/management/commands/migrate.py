"""`migrate` as the owner role when DATABASE_OWNER_URL is set, then the application's
role (the user of DATABASE_URL) gets its privileges and the database the log retention
period (docs/adr/0019-logs-the-application-cannot-rewrite.md)."""

from typing import Any

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections

from dpo.roles import app_role_grant, log_policy_set

OWNER_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


class Command(MigrateCommand):
    help = (
        MigrateCommand.help
        + " With DATABASE_OWNER_URL set, connects as that (owner) role and then grants the "
        "role of DATABASE_URL its privileges."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        owner = settings.DATABASE_OWNER
        alias = options["database"]
        connection = connections[alias]
        # Only the configured database: a test database (test_…) is migrated by the role
        # that created it.
        if (
            owner is None
            or alias != DEFAULT_DB_ALIAS
            or connection.settings_dict["NAME"] != owner.get("NAME")
        ):
            super().handle(*args, **options)
            log_policy_set(years=settings.POLKU_LOG_RETENTION_YEARS, using=alias)
            return
        app_role = connection.settings_dict["USER"]
        saved = {key: connection.settings_dict.get(key) for key in (*OWNER_KEYS, "OPTIONS")}
        connection.close()
        connection.settings_dict.update(
            NAME=owner.get("NAME"),
            USER=owner.get("USER"),
            PASSWORD=owner.get("PASSWORD"),
            HOST=owner.get("HOST"),
            PORT=owner.get("PORT"),
            OPTIONS={**(saved["OPTIONS"] or {}), **owner.get("OPTIONS", {})},
        )
        try:
            super().handle(*args, **options)
            log_policy_set(years=settings.POLKU_LOG_RETENTION_YEARS, using=alias)
            if app_role and app_role != owner.get("USER"):
                app_role_grant(role=app_role, using=alias)
                if options["verbosity"] >= 1:
                    self.stdout.write(f"Privileges granted to the application's role {app_role}.")
        finally:
            connection.close()
            connection.settings_dict.update(saved)

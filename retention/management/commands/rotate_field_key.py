from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retention.keys import BATCH_SIZE, field_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field value (identity codes, sealed TOTP keys) with the "
        "newest key of FIELD_ENCRYPTION_KEYS "
        "(put the new key first, keep the old ones after it, run this, then drop the old "
        "keys). Safe to run again. BLIND_INDEX_KEY is not rotated by this."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        results = field_keys_rotate(batch_size=options["batch_size"])
        for result in results:
            self.stdout.write(
                f"{result.label}: {result.rotated} re-encrypted, {result.current} already "
                f"under the newest key, {result.unreadable} unreadable"
            )
        unreadable = sum(result.unreadable for result in results)
        if unreadable:
            raise CommandError(
                f"{unreadable} value(s) open with none of FIELD_ENCRYPTION_KEYS; they were left "
                "as they are. Keep the key that wrote them in the list and run this again."
            )
        self.stdout.write(self.style.SUCCESS("Every encrypted value is under the newest key."))

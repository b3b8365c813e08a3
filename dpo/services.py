from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from referrals.models import DisclosureLogEntry, UseLogEntry

# The transaction-local switch the append-only trigger checks before it lets a DELETE
# through (dpo/migrations/0001_log_append_only.py).
RETENTION_SETTING = "polku.log_retention"


@dataclass(frozen=True)
class Expired:
    uses: int
    disclosures: int


@transaction.atomic
def log_rows_expire(*, before: datetime) -> Expired:
    """Delete the use- and disclosure-log rows written before `before`: the one way past
    the append-only trigger, for the retention job.

    SET LOCAL lasts until the end of the outermost transaction, so a caller that wraps
    this in a transaction of its own should do nothing else to the logs in it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {RETENTION_SETTING} = 'on'")
    uses, _kinds = UseLogEntry.objects.filter(at__lt=before).delete()
    disclosures, _kinds = DisclosureLogEntry.objects.filter(at__lt=before).delete()
    return Expired(uses=uses, disclosures=disclosures)

"""The use and disclosure logs are append-only on PostgreSQL; only the retention service
deletes, and only rows older than it is told."""

import datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dpo.services import log_rows_expire
from referrals.models import DisclosureLogEntry, LogPurpose, UseLogEntry
from referrals.services import use_log_write

from ..factories import agency, mikko_case, user

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger is created on PostgreSQL only; SQLite (development) has "
    "none. CI runs these with DATABASE_URL pointing at PostgreSQL.",
)
LONG_AGO = timezone.make_aware(datetime.datetime(2020, 1, 15, 12, 0))


def look(when: datetime.datetime | None = None) -> None:
    mikko = mikko_case().client
    with time_machine.travel(when or timezone.now(), tick=False):
        use_log_write(
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
            clients=[(mikko, ["identity"])],
            purpose=LogPurpose.CLIENT_RECORD,
            path="/clients/",
        )


def old_disclosure() -> DisclosureLogEntry:
    """A disclosure row dated long ago (the trigger refuses UPDATE, so it is written so)."""
    entry = DisclosureLogEntry.objects.order_by("pk").first()
    assert entry is not None
    with time_machine.travel(LONG_AGO, tick=False):
        return DisclosureLogEntry.objects.create(
            client=entry.client,
            categories=entry.categories,
            discloser_agency=entry.discloser_agency,
            discloser_user=entry.discloser_user,
            recipient_agency=entry.recipient_agency,
            basis=entry.basis,
            referral=entry.referral,
            purpose=entry.purpose,
        )


def refused(change) -> None:
    """Run the change in a savepoint of its own, so that the refusal leaves the test's
    transaction usable."""
    with transaction.atomic():
        change()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_update_and_delete_of_log_rows_are_refused(personas):
    look()
    for model in (UseLogEntry, DisclosureLogEntry):
        rows = model.objects.all()
        assert rows.exists()
        with pytest.raises(DatabaseError, match="append-only"):
            refused(lambda rows=rows: rows.update(purpose=LogPurpose.SUPERVISION))
        with pytest.raises(DatabaseError, match="append-only"):
            refused(rows.delete)
    # Not even the retention switch lets an UPDATE through.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL polku.log_retention = 'on'")
    with pytest.raises(DatabaseError, match="append-only"):
        refused(lambda: UseLogEntry.objects.update(purpose=LogPurpose.SUPERVISION))


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_the_expiry_service_deletes_old_rows_and_the_logs_close_again(personas):
    look(LONG_AGO)
    look()
    old_disclosure()
    cutoff = timezone.make_aware(datetime.datetime(2021, 1, 1))
    expired = log_rows_expire(before=cutoff)
    assert (expired.uses, expired.disclosures) == (1, 1)
    assert not UseLogEntry.objects.filter(at__lt=cutoff).exists()
    assert not DisclosureLogEntry.objects.filter(at__lt=cutoff).exists()
    assert UseLogEntry.objects.exists()
    # The setting ended with the service's transaction.
    with pytest.raises(DatabaseError, match="append-only"):
        refused(UseLogEntry.objects.all().delete)


@pytest.mark.django_db
def test_the_expiry_service_keeps_what_is_newer(personas):
    mikko_case()
    uses, disclosures = UseLogEntry.objects.count(), DisclosureLogEntry.objects.count()
    look(LONG_AGO)
    look()
    old_disclosure()
    expired = log_rows_expire(before=timezone.make_aware(datetime.datetime(2021, 1, 1)))
    assert (expired.uses, expired.disclosures) == (1, 1)
    assert UseLogEntry.objects.count() == uses + 1
    assert DisclosureLogEntry.objects.count() == disclosures


@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite schema")
@pytest.mark.django_db
def test_sqlite_has_no_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert cursor.fetchall() == []

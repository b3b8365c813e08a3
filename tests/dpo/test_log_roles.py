"""On PostgreSQL the application's role (not the owner of the tables) cannot rewrite the
logs in any of the ways issue 12 found, and retention's expiry deletes only old rows.

The tests connect as the owner (the role of DATABASE_URL, who created the test database)
and SET ROLE to the application's role `polku_app` after granting it what `migrate`
grants. CI creates that role and makes the owner a member of it (.ci/run):
    CREATE ROLE polku_app LOGIN; GRANT polku_app TO polku;
"""

import datetime
import re

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dpo.models import LogKind, LogSeal
from dpo.roles import app_role_grant
from dpo.services import log_rows_expire, logs_seal
from referrals.models import LogPurpose, UseLogEntry
from referrals.services import use_log_write

from ..factories import agency, mikko_case, user

APP_ROLE = "polku_app"
LONG_AGO = timezone.make_aware(datetime.datetime(2019, 1, 15, 12, 0))
REFUSED = re.compile(r"permission denied|must be (the )?owner", re.IGNORECASE)
LOG_TABLES = ("referrals_uselogentry", "referrals_disclosurelogentry", "dpo_logseal")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="database roles exist on PostgreSQL only; SQLite (development) has none. CI "
        "runs these with DATABASE_URL pointing at PostgreSQL.",
    ),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    module_world(mikko_case)


def look(when: datetime.datetime) -> None:
    with time_machine.travel(when, tick=False):
        use_log_write(
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
            clients=[(mikko_case().client, ["identity"])],
            purpose=LogPurpose.CLIENT_RECORD,
            path="/clients/",
        )


@pytest.fixture
def as_app(personas):
    """The rest of the test runs as the application's role, in the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [APP_ROLE],
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        pytest.skip(
            f"no role {APP_ROLE} that the test database's owner may SET ROLE to: create it "
            f"as a superuser (CREATE ROLE {APP_ROLE} LOGIN; GRANT {APP_ROLE} TO <owner>), "
            "as .ci/run does"
        )
    look(LONG_AGO)
    look(timezone.now() - datetime.timedelta(hours=1))
    assert app_role_grant(role=APP_ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def attempt(*statements: str) -> None:
    """Run the statements in a savepoint; the refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.mark.parametrize("table", LOG_TABLES)
@pytest.mark.parametrize(
    "statements",
    [
        # Issue 12: the retention switch, then a DELETE of rows of any age.
        ("SET LOCAL polku.log_retention = 'on'", "DELETE FROM {table}"),
        ("SET LOCAL polku.log_retention = 'on'", "DELETE FROM {table} WHERE id < 0"),
        ("ALTER TABLE {table} DISABLE TRIGGER ALL",),
        ("ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",),
        ("UPDATE {table} SET id = id",),
        ("DROP TRIGGER {table}_append_only ON {table}",),
        ("TRUNCATE {table}",),
        ("DROP TABLE {table}",),
        ("ALTER TABLE {table} ADD COLUMN x integer",),
        ("ALTER TABLE {table} RENAME TO {table}_old",),
        ("CREATE TRIGGER sneak BEFORE INSERT ON {table} EXECUTE FUNCTION polku_log_append_only()",),
    ],
    ids=lambda s: s[-1].split(" {table}")[0] if isinstance(s, tuple) else s,
)
def test_the_application_role_cannot_rewrite_the_logs(as_app, table, statements):
    with pytest.raises(DatabaseError, match=REFUSED):
        attempt(*(s.format(table=table) for s in statements))


@pytest.mark.parametrize(
    "statement",
    [
        # Neither the function the trigger calls, nor the period the expiry reads.
        "CREATE OR REPLACE FUNCTION polku_log_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "DROP FUNCTION polku_logs_expire(timestamptz)",
        "UPDATE polku_log_policy SET years = 1",
        "DELETE FROM polku_log_policy",
        "ALTER FUNCTION polku_logs_expire(timestamptz) SECURITY INVOKER",
    ],
)
def test_nor_the_functions_and_the_period_behind_them(as_app, statement):
    with pytest.raises(DatabaseError, match=REFUSED):
        attempt(statement)


def test_the_application_role_writes_and_reads_the_logs_and_seals_them(as_app):
    before = UseLogEntry.objects.count()
    look(timezone.now())
    assert UseLogEntry.objects.count() == before + 1
    assert logs_seal(now=timezone.now() + datetime.timedelta(hours=1)) > 0
    assert LogSeal.objects.filter(log=LogKind.USE).exists()


def test_expiry_as_the_application_role_deletes_only_rows_past_the_period(as_app):
    recent = UseLogEntry.objects.filter(at__gte=timezone.now() - datetime.timedelta(days=1))
    kept = recent.count()
    assert kept
    # Asked to delete everything up to tomorrow, the database keeps the last five years.
    expired = log_rows_expire(before=timezone.now() + datetime.timedelta(days=1))
    assert expired.uses >= 1
    assert not UseLogEntry.objects.filter(at__lte=LONG_AGO).exists()
    assert recent.count() == kept

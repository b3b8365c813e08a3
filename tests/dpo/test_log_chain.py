"""The logs' hash chain: sealing, and what `verify_logs` finds when a sealed row, a seal
or the chain's start is touched, even by the owner role (on PostgreSQL it has to turn the
append-only trigger off first; SQLite has none)."""

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dpo.chain import ChainState, Problem, chain_check
from dpo.models import LogCheck, LogKind, LogSeal
from dpo.services import log_chains_verify, log_rows_expire, logs_seal
from referrals.models import DisclosureLogEntry, LogPurpose, UseLogEntry
from referrals.services import use_log_write

from ..factories import agency, mikko_case, user

pytestmark = pytest.mark.django_db

DAY = timezone.make_aware(datetime.datetime(2026, 10, 5, 9, 0))
# Sealing as if an hour had passed: the rows the module's world wrote today are sealed too.
LATER = timezone.now() + datetime.timedelta(hours=1)


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """Mikko's path, with its referrals in the disclosure log."""
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


def oulu() -> int:
    return agency("tym-oulu").pk


def check() -> ChainState:
    return chain_check(log=LogKind.USE, agency_id=oulu())


def as_owner(sql: str, params: list[Any]) -> None:
    """What the owner role (or a superuser) can do: turn the trigger off and rewrite."""
    table = UseLogEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key checks of the test's transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            cursor.execute("ALTER TABLE dpo_logseal DISABLE TRIGGER dpo_logseal_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            cursor.execute("ALTER TABLE dpo_logseal ENABLE TRIGGER dpo_logseal_append_only")


@pytest.fixture
def sealed(personas) -> list[int]:
    """Three days of the Oulu area's looks, sealed an hour after the last."""
    # Rows the demo world wrote today are sealed too; ours are the ones we check.
    for days in range(3):
        look(DAY + datetime.timedelta(days=days))
        look(DAY + datetime.timedelta(days=days, hours=3))
    logs_seal(now=LATER)
    return list(
        UseLogEntry.objects.filter(agency_id=oulu(), at__gte=DAY)
        .order_by("id")
        .values_list("id", flat=True)
    )


def test_seals_are_made_per_agency_and_day_and_the_chain_is_intact(sealed):
    seals = LogSeal.objects.filter(log=LogKind.USE, agency_id=oulu(), day__gte=DAY.date())
    assert [s.day for s in seals.order_by("start")][:3] == [
        DAY.date() + datetime.timedelta(days=n) for n in range(3)
    ]
    assert all(s.rows >= 2 for s in seals)
    state = check()
    assert state.intact, state
    assert state.rows >= 6
    assert state.unsealed == 0
    # A second run has nothing left to seal; a later row is not sealed yet.
    assert logs_seal(now=LATER) == 0
    look(LATER + datetime.timedelta(hours=1))
    assert check().unsealed == 1
    assert check().intact


def test_an_update_by_the_owner_is_found_with_its_row(sealed):
    changed = sealed[3]
    as_owner(
        "UPDATE referrals_uselogentry SET purpose = %s WHERE id = %s",
        [LogPurpose.SUPERVISION, changed],
    )
    state = check()
    assert state.problem == Problem.ROW
    assert state.problem_row == changed
    assert state.problem_day == DAY.date() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_logs", stdout=io.StringIO())
    kept = LogCheck.objects.get(log=LogKind.USE, agency_id=oulu())
    assert (kept.intact, kept.problem, kept.problem_row) == (False, Problem.ROW, changed)


def test_a_removed_row_and_a_slipped_in_row_are_found(sealed):
    as_owner("DELETE FROM referrals_uselogentry WHERE id = %s", [sealed[1]])
    state = check()
    assert (state.problem, state.problem_row) == (Problem.ROW, sealed[1])


def test_a_row_slipped_in_after_sealing_is_found(sealed):
    look(DAY + datetime.timedelta(days=2, hours=1))
    newest = UseLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    state = check()
    assert (state.problem, state.problem_row) == (Problem.ROW, newest)


def test_a_removed_seal_breaks_the_link(sealed):
    middle = (
        LogSeal.objects.filter(log=LogKind.USE, agency_id=oulu(), day=DAY.date())
        .values_list("pk", flat=True)
        .get()
    )
    as_owner("DELETE FROM dpo_logseal WHERE id = %s", [middle])
    assert check().problem in {Problem.LINK, Problem.START}


def test_a_rewritten_seal_is_found(sealed):
    seal = LogSeal.objects.filter(log=LogKind.USE, agency_id=oulu(), day=DAY.date()).get()
    as_owner("UPDATE dpo_logseal SET digest = %s WHERE id = %s", ["f" * 64, seal.pk])
    assert check().problem == Problem.ROW


def test_expiry_removes_whole_old_days_and_the_chain_starts_after_them(personas):
    long_ago = timezone.make_aware(datetime.datetime(2019, 3, 4, 10, 0))
    look(long_ago)
    look(long_ago + datetime.timedelta(days=1))
    look(DAY)
    look(DAY + datetime.timedelta(days=1))
    logs_seal(now=LATER)
    assert check().intact
    expired = log_rows_expire(before=timezone.make_aware(datetime.datetime(2019, 3, 5)))
    assert (expired.uses, expired.seals) == (1, 1)
    state = check()
    assert state.intact, state
    assert state.chain_from == datetime.date(2019, 3, 5)
    # Asked for more, expiry still keeps what is younger than the period.
    log_rows_expire(before=LATER)
    assert UseLogEntry.objects.filter(at__gte=DAY).count() >= 2
    state = check()
    assert state.intact, state
    assert state.chain_from == DAY.date()
    # Removing a recent day from the chain's start is seen: it was not due.
    first_recent = LogSeal.objects.get(log=LogKind.USE, agency_id=oulu(), day=DAY.date())
    rows = UseLogEntry.objects.filter(agency_id=oulu(), at__lt=first_recent.end)
    for row in rows.values_list("id", flat=True):
        as_owner("DELETE FROM referrals_uselogentry WHERE id = %s", [row])
    seals = LogSeal.objects.filter(log=LogKind.USE, agency_id=oulu(), start__lt=first_recent.end)
    for seal in seals.values_list("id", flat=True):
        as_owner("DELETE FROM dpo_logseal WHERE id = %s", [seal])
    assert check().problem == Problem.START


def test_verify_logs_reports_every_chain(sealed, capsys):
    call_command("verify_logs")
    out = capsys.readouterr().out
    assert "use log, agency" in out
    assert "intact" in out
    assert len(log_chains_verify()) == LogCheck.objects.count()


def test_the_officers_page_shows_the_chain(sealed, login):
    log_chains_verify()
    page = login("tietosuoja").get(reverse("dpo-log-integrity"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "dpo-chain-intact" in text
    as_owner("UPDATE referrals_uselogentry SET path = %s WHERE id = %s", ["/x", sealed[0]])
    log_chains_verify()
    page = login("tietosuoja").get(reverse("dpo-log-integrity"))
    assert "dpo-chain-broken" in page.content.decode()
    assert str(sealed[0]) in page.content.decode()


def test_the_disclosure_log_is_chained_too(personas):
    assert DisclosureLogEntry.objects.exists()
    logs_seal(now=LATER)
    states = log_chains_verify(log=LogKind.DISCLOSURE)
    assert states
    assert all(s.intact for s in states)

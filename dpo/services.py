"""Writes of the data-protection app: sealing the logs, recording their checks, and the
retention job's expiry of old log rows (docs/adr/0019-logs-the-application-cannot-rewrite.md)."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from core.dates import start_of_day
from dpo.chain import (
    GENESIS,
    SEAL_DELAY,
    SPECS,
    ChainState,
    LogSpec,
    Window,
    chain_check,
    chains,
    day_end,
    hashed_rows,
    helsinki_day,
    manifest,
    seal_digest,
)
from dpo.models import LogCheck, LogSeal
from referrals.models import DisclosureLogEntry, UseLogEntry

logger = logging.getLogger(__name__)

# The definer function that deletes expired log rows and their seals on PostgreSQL
# (dpo/migrations/0003_logs_owner_only.py); the application's role may only call it.
EXPIRE_FUNCTION = "polku_logs_expire"
# At most this many days of rows are sealed by one run, so that the first run over an
# old log catches up over several runs rather than in one long one.
SEAL_DAYS_PER_RUN = 31


@dataclass(frozen=True)
class Expired:
    uses: int
    disclosures: int
    seals: int = 0


def log_expiry_cutoff(*, before: datetime, now: datetime) -> datetime:
    """What SQL function polku_logs_expire deletes below, computed the same way: never
    newer than POLKU_LOG_RETENTION_YEARS before now, and only whole Helsinki days."""
    years = settings.POLKU_LOG_RETENTION_YEARS
    try:
        oldest = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        oldest = now.replace(year=now.year - years, day=28)
    return start_of_day(helsinki_day(min(before, oldest)))


def log_rows_expire(*, before: datetime) -> Expired:
    """Delete the use- and disclosure-log rows, and their seals, of the days before
    `before`, but none younger than the retention period: for the retention job.

    On PostgreSQL this is the definer function polku_logs_expire, owned by the owner
    role, which checks the age in the database; the application's role cannot delete log
    rows in any other way. On SQLite (development, no roles) the same rule runs here.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT uses, disclosures, seals FROM {EXPIRE_FUNCTION}(%s)",  # noqa: S608
                [before],
            )
            uses, disclosures, seals = cursor.fetchone()
        return Expired(uses=uses, disclosures=disclosures, seals=seals)
    cutoff = log_expiry_cutoff(before=before, now=timezone.now())
    with transaction.atomic():
        uses, _kinds = UseLogEntry.objects.filter(at__lt=cutoff).delete()
        disclosures, _kinds = DisclosureLogEntry.objects.filter(at__lt=cutoff).delete()
        seals, _kinds = LogSeal.objects.filter(day__lt=helsinki_day(cutoff)).delete()
    return Expired(uses=uses, disclosures=disclosures, seals=seals)


# Sealing -------------------------------------------------------------------------------


def logs_seal(*, now: datetime | None = None) -> int:
    """Seal every agency's log rows that are at least SEAL_DELAY old: one seal per log,
    agency and day, chained to the agency's previous seal. Returns the seals made.

    Each run seals every agency up to the same moment, so a log's next rows to seal are
    those from its newest seal's end; one query per log and day, one insert per day.
    """
    horizon = (now or timezone.now()) - SEAL_DELAY
    made = 0
    for spec in SPECS.values():
        for _day in range(SEAL_DAYS_PER_RUN):
            count = _seal_next_day(spec, horizon)
            if count is None:
                break
            made += count
    return made


def _seal_next_day(spec: LogSpec, horizon: datetime) -> int | None:
    """Seal the rows of the earliest day not sealed yet, up to `horizon`; None when
    there is nothing left to seal."""
    sealed_until = LogSeal.objects.filter(log=spec.kind).aggregate(end=Max("end"))["end"]
    pending = spec.model._default_manager.filter(at__lt=horizon)
    if sealed_until is not None:
        pending = pending.filter(at__gte=sealed_until)
    first = pending.order_by("at").values_list("at", flat=True).first()
    if first is None:
        return None
    day = helsinki_day(first)
    upper = min(day_end(day), horizon)
    by_agency: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for values in (
        pending.filter(at__lt=upper).order_by().values_list(spec.agency_field, *spec.fields)
    ):
        by_agency[values[0]].append(values[1:])
    newest = LogSeal.objects.filter(log=spec.kind, agency_id=OuterRef("agency_id")).order_by("-end")
    heads = {
        seal.agency_id: seal
        for seal in LogSeal.objects.filter(
            log=spec.kind,
            agency_id__in=list(by_agency),
            end=Subquery(newest.values("end")[:1]),
        )
    }
    seals = []
    for agency_id, rows in sorted(by_agency.items()):
        head = heads.get(agency_id)
        window = Window(
            log=spec.kind,
            agency_id=agency_id,
            day=day,
            start=head.end if head else start_of_day(day),
            end=upper,
            previous=head.digest if head else GENESIS,
        )
        hashed = hashed_rows(spec, rows)
        seals.append(
            LogSeal(
                log=spec.kind,
                agency_id=agency_id,
                day=day,
                start=window.start,
                end=window.end,
                rows=len(hashed),
                last_id=hashed[-1][0],
                manifest=manifest(hashed),
                previous=window.previous,
                previous_day=head.day if head else None,
                digest=seal_digest(window, hashed),
            )
        )
    try:
        with transaction.atomic():
            LogSeal.objects.bulk_create(seals)
    except IntegrityError:
        # Another run sealed the same rows first.
        logger.info("dpo: %s log seals for %s made by another run", spec.kind, day)
        return None
    return len(seals)


# Checking ------------------------------------------------------------------------------


def log_chains_verify(
    *, log: str | None = None, agency_id: int | None = None, today: date | None = None
) -> list[ChainState]:
    """Check every chain (or one log's, or one agency's) and keep the outcome for the
    data protection officer's page. Each chain's newest digest goes to the application
    log too, a copy outside the database of how far the chain reached."""
    states = []
    checked_at = timezone.now()
    for kind, agency in chains(log, agency_id):
        state = chain_check(log=kind, agency_id=agency, today=today)
        states.append(state)
        LogCheck.objects.update_or_create(
            log=kind,
            agency_id=agency,
            defaults={
                "checked_at": checked_at,
                "intact": state.intact,
                "seals": state.seals,
                "rows": state.rows,
                "chain_from": state.chain_from,
                "sealed_until": state.sealed_until,
                "problem": state.problem,
                "problem_day": state.problem_day,
                "problem_row": state.problem_row,
            },
        )
        logger.log(
            logging.INFO if state.intact else logging.ERROR,
            "dpo: %s log of agency %s: %s, %d seals, %d rows, sealed until %s, head %s",
            kind,
            agency,
            state.problem or "intact",
            state.seals,
            state.rows,
            state.sealed_until.isoformat() if state.sealed_until else "-",
            state.head or "-",
        )
    return states

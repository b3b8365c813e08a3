"""Writes of retention: a run anonymises, deletes or clears exactly what a fresh dry run
finds, one client per transaction, and expires the logs past their own period."""

import logging
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from agencies.models import Agency, User
from dpo.services import log_rows_expire
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from referrals.models import Client, Referral, ReferralStatus
from retention.models import ClientAnonymisation, RetentionRun, RunStatus
from retention.scrubs import scrubs_for
from retention.selectors import (
    Decision,
    Finding,
    client_finding,
    logs_expire_before,
    retention_findings,
)

logger = logging.getLogger(__name__)

# A run still "running" after this long died with its worker (the task's hard limit is
# far shorter); the next run may start.
RUN_STALE_AFTER = timedelta(hours=3)
ANONYMOUS_NAME = "–"
CLIENT_IDENTITY_FIELDS = [
    "first_name",
    "last_name",
    "hetu_encrypted",
    "hetu_index",
    "temporary_id",
    "birth_date",
    "address_protected",
]


# Requesting and running ----------------------------------------------------------------


def run_request(*, user: User, agency: Agency) -> tuple[RetentionRun, bool]:
    """The data protection officer asks for a real run; the task starts after commit.

    A run already waiting or working is returned (with False) instead of a second one.
    """
    with transaction.atomic():
        pending = (
            RetentionRun.objects.select_for_update()
            .filter(status__in=[RunStatus.REQUESTED, RunStatus.RUNNING])
            .first()
        )
        if pending is not None:
            return pending, False
        run = RetentionRun.objects.create(requested_by=user, requested_agency=agency)
        transaction.on_commit(lambda: _run_start(run_id=run.pk))
    return run, True


def _run_start(*, run_id: int) -> None:
    """Hand the run to the worker. A broker that cannot be reached is logged, never
    raised: the request is saved, and the nightly run claims a waiting request."""
    from retention.tasks import retention_run

    try:
        retention_run.delay(run_id)
    except Exception:
        logger.warning(
            "retention: the broker did not take run %s; the nightly run will",
            run_id,
            exc_info=True,
        )


def _run_claim(*, run_id: int | None) -> RetentionRun | None:
    """Move the run from requested to running; None if another worker has it, or another
    run is working now."""
    now = timezone.now()
    # A run left "running" by a worker that died no longer blocks the others.
    RetentionRun.objects.filter(
        status=RunStatus.RUNNING, started_at__lt=now - RUN_STALE_AFTER
    ).update(status=RunStatus.FAILED, finished_at=now, error="stale")
    try:
        with transaction.atomic():
            if run_id is None:
                # The nightly run takes over a request that never reached a worker.
                waiting = RetentionRun.objects.filter(status=RunStatus.REQUESTED).first()
                if waiting is None:
                    return RetentionRun.objects.create(status=RunStatus.RUNNING, started_at=now)
                run_id = waiting.pk
            # A failed run is taken again by the task's own retry; all of it is idempotent.
            claimed = RetentionRun.objects.filter(
                pk=run_id, status__in=[RunStatus.REQUESTED, RunStatus.FAILED]
            ).update(status=RunStatus.RUNNING, started_at=now, finished_at=None, error="")
            return RetentionRun.objects.get(pk=run_id) if claimed else None
    except IntegrityError:  # retention_one_running: another run is working
        return None


def _run_finish(*, run: RetentionRun, counts: dict[str, Any], error: str = "") -> None:
    RetentionRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED if error else RunStatus.DONE,
        finished_at=timezone.now(),
        counts=counts,
        error=error[:200],
    )


def retention_execute(*, run_id: int | None, today: date) -> RetentionRun | None:
    """The real run: expire old log rows, then act on each client a fresh dry run finds.

    Each client is re-read under a row lock and its finding made again inside its own
    transaction, so two runs, a retry or a change made meanwhile never act twice or on
    stale reasons. Returns None when the run was already taken.
    """
    run = _run_claim(run_id=run_id)
    if run is None:
        return None
    counts: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    try:
        counts.update(logs_expire(before=logs_expire_before(today=today)))
        findings, _stale = retention_findings(today=today)
        for planned in findings:
            done = client_retention_apply(client_id=planned.client_id, today=today, run=run)
            if done is not None:
                counts[done.decision] += 1
                categories.update(done.category_codes)
    except Exception as error:
        _run_finish(
            run=run, counts={**counts, "categories": dict(categories)}, error=type(error).__name__
        )
        raise
    _run_finish(run=run, counts={**counts, "categories": dict(categories)})
    run.refresh_from_db()
    return run


def logs_expire(*, before: datetime) -> dict[str, int]:
    """Use and disclosure log rows older than `before` go (POLKU_LOG_RETENTION_YEARS)
    through the data-protection app's service, the one way past their append-only guard."""
    expired = log_rows_expire(before=before)
    return {"use_log_expired": expired.uses, "disclosure_log_expired": expired.disclosures}


# One client --------------------------------------------------------------------------


@transaction.atomic
def client_retention_apply(
    *,
    client_id: int,
    today: date,
    run: RetentionRun | None = None,
    user: User | None = None,
    agency: Agency | None = None,
) -> Finding | None:
    """Do to one client what a fresh dry run says, in one transaction; None if nothing
    (any more) is due. Running it twice does nothing the second time."""
    if Client.objects.select_for_update().filter(pk=client_id).only("pk").first() is None:
        return None
    finding = client_finding(client_id=client_id, today=today)
    if finding is None:
        return None
    user = user or (run.requested_by if run else None)
    agency = agency or (run.requested_agency if run else None)
    if finding.decision == Decision.DELETE:
        try:
            with transaction.atomic():
                _client_delete(finding=finding, user=user, agency=agency)
        except (ProtectedError, RestrictedError):
            # Something we did not know of refers to the client: keep the row, anonymised.
            logger.info("retention: client %s is referred to; anonymising instead", client_id)
            finding = replace(finding, decision=Decision.ANONYMISE)
        else:
            return finding
    if finding.decision == Decision.ANONYMISE:
        _client_anonymise(finding=finding, run=run, user=user, agency=agency)
    else:
        _scrub(
            client_id=client_id,
            categories=set(finding.category_codes),
            user=user,
            agency=agency,
        )
    return finding


def _scrub(
    *, client_id: int, categories: set[str] | None, user: User | None, agency: Agency | None
) -> int:
    """Clear the categories' text and contact details (None: all of them), and record
    each changed object in the change history."""
    changed: dict[tuple[str, UUID], set[str]] = defaultdict(set)
    rows = 0
    for scrub in scrubs_for(categories):
        matching = scrub.rows([client_id])
        if scrub.history_kind:
            for object_id in matching.values_list(scrub.history_id, flat=True).distinct():
                changed[(scrub.history_kind, object_id)] |= set(scrub.replacements)
        rows += matching.update(**scrub.replacements)
    action = ChangeAction.ANONYMISE if categories is None else ChangeAction.CLEAR
    for (kind, object_id), fields in sorted(changed.items(), key=str):
        change_record(
            kind=kind, object_id=object_id, user=user, agency=agency, action=action, fields=fields
        )
    return rows


def _drafts_delete(*, client_id: int, user: User | None, agency: Agency | None) -> None:
    """Referrals never sent were disclosed to nobody and count in no statistics."""
    for draft in Referral.objects.filter(client_id=client_id, status=ReferralStatus.DRAFT):
        public_id = draft.public_id
        draft.delete()
        change_record(
            kind=ObjectKind.REFERRAL,
            object_id=public_id,
            user=user,
            agency=agency,
            action=ChangeAction.DELETE,
        )


def _client_delete(*, finding: Finding, user: User | None, agency: Agency | None) -> None:
    _drafts_delete(client_id=finding.client_id, user=user, agency=agency)
    Client.objects.get(pk=finding.client_id).delete()
    change_record(
        kind=ObjectKind.CLIENT,
        object_id=finding.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.DELETE,
    )


def _client_anonymise(
    *, finding: Finding, run: RetentionRun | None, user: User | None, agency: Agency | None
) -> None:
    """Keep the row that logs and statistics refer to, without the person in it: the
    names, the identity code and its index and the contact details go, the date of birth
    becomes 1 January of its year; the home municipality and languages stay for the
    statistics."""
    _drafts_delete(client_id=finding.client_id, user=user, agency=agency)
    _scrub(client_id=finding.client_id, categories=None, user=user, agency=agency)
    client = Client.objects.get(pk=finding.client_id)
    marker = _anonymous_id()
    Client.objects.filter(pk=client.pk).update(
        first_name=ANONYMOUS_NAME,
        last_name=marker,
        hetu_encrypted="",
        hetu_index=None,
        temporary_id=marker,
        birth_date=client.birth_date.replace(month=1, day=1),
        phone="",
        email="",
        address="",
        address_protected=False,
    )
    ClientAnonymisation.objects.create(client=client, run=run)
    change_record(
        kind=ObjectKind.CLIENT,
        object_id=client.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.ANONYMISE,
        fields=CLIENT_IDENTITY_FIELDS,
    )


def _anonymous_id(exists: Callable[[str], bool] | None = None) -> str:
    """A fresh temporary identifier for an anonymised client, derived from nothing."""
    taken = exists or (lambda value: Client.objects.filter(temporary_id=value).exists())
    while True:
        marker = f"ANON-{secrets.token_hex(6).upper()}"
        if not taken(marker):
            return marker

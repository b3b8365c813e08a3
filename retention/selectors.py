"""The dry run: which client data is past its retention period, what would be done to it,
and why (docs/adr/0012-retention.md). Nothing here writes.

A client relationship is ongoing while the client has an active case or a referral that
is sent, opened or accepted. Once neither is left, it ended on the client's last
recorded activity (LAST_ACTIVITY) or the latest release date, whichever is later.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from core.dates import add_years, start_of_day
from meetings.models import Meeting
from pathways.models import Case, CaseStage, CaseStatus
from plans.models import Assessment, AssessmentEntry, EmploymentPlan, FollowUp, Outcome, PlanAction
from referrals.models import (
    AccessGrant,
    Client,
    Consent,
    DataCategory,
    DisclosureLogEntry,
    Referral,
    ReferralStatus,
    Release,
    UseLogEntry,
)
from retention.models import CountedFrom, RetentionRule, RetentionRun, RunStatus
from retention.scrubs import scrubs_for

# Referral statuses in which an agency is still working with the client.
LIVE_REFERRAL = (ReferralStatus.SENT, ReferralStatus.OPENED, ReferralStatus.ACCEPTED)

# Timestamps of the client's path; the relationship ended at the latest of them. Views
# of the client (the use log) are not activity: looking at a record does not extend it.
LAST_ACTIVITY: tuple[tuple[type[models.Model], str, str], ...] = (
    (Referral, "client", "updated_at"),
    (Case, "client", "created_at"),
    (Case, "client", "outcome_recorded_at"),
    (Case, "client", "closed_at"),
    (CaseStage, "case__client", "updated_at"),
    (Consent, "client", "created_at"),
    (Consent, "client", "withdrawn_at"),
    (Assessment, "case__client", "updated_at"),
    (AssessmentEntry, "assessment__case__client", "updated_at"),
    (EmploymentPlan, "case__client", "updated_at"),
    (PlanAction, "plan__case__client", "updated_at"),
    (Outcome, "case__client", "recorded_at"),
    (FollowUp, "case__client", "checked_at"),
    (Meeting, "case__client", "starts_at"),
    (Meeting, "case__client", "updated_at"),
)
CHUNK = 500


class Decision(models.TextChoices):
    DELETE = "delete", _("Delete the client")
    ANONYMISE = "anonymise", _("Anonymise the client")
    CLEAR = "clear", _("Clear these categories")


DECISION_ORDER = {Decision.DELETE: 0, Decision.ANONYMISE: 1, Decision.CLEAR: 2}


@dataclass(frozen=True)
class DueItem:
    category: DataCategory
    rule: RetentionRule
    counted_from: date  # the day the relationship ended, or the latest release
    due_on: date


@dataclass(frozen=True)
class Finding:
    """What retention would do to one client, and each category's reason."""

    client_id: int
    public_id: UUID
    recorded_by: str
    decision: str
    items: tuple[DueItem, ...]

    @property
    def category_codes(self) -> list[str]:
        return [item.category.code for item in self.items]

    @property
    def decision_label(self) -> str:
        return str(Decision(self.decision).label)


@dataclass(frozen=True)
class RetentionPlan:
    today: date
    findings: list[Finding]
    logs_before: datetime
    use_log_rows: int
    disclosure_log_rows: int
    uncovered: list[DataCategory]  # categories without a rule: nobody is anonymised
    stale: int  # relationships still open though nothing happened in the shortest period

    def per_decision(self) -> list[tuple[str, int]]:
        counts = Counter(finding.decision for finding in self.findings)
        return [(str(d.label), counts.get(d.value, 0)) for d in Decision]

    def per_category(self) -> list[tuple[DataCategory, RetentionRule | None, int]]:
        counts = Counter(code for f in self.findings for code in f.category_codes)
        rules = rules_by_code()
        return [
            (category, rules.get(category.code), counts.get(category.code, 0))
            for category in DataCategory.objects.all()
        ]


def rules_by_code() -> dict[str, RetentionRule]:
    return {rule.category.code: rule for rule in RetentionRule.objects.select_related("category")}


def logs_expire_before(*, today: date) -> datetime:
    """Log rows older than this are past POLKU_LOG_RETENTION_YEARS."""
    return start_of_day(add_years(today, -settings.POLKU_LOG_RETENTION_YEARS))


def _latest(model: type[models.Model], path: str, name: str) -> Coalesce:
    rows = (
        model._default_manager.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(latest=Max(name))
        .values("latest")[:1]
    )
    return Coalesce(Subquery(rows), F("created_at"))


def clients_with_activity(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Annotate the relationship's state: ongoing or not, last activity, last release."""
    return clients.annotate(
        last_activity=Greatest(
            F("created_at"), *(_latest(model, path, name) for model, path, name in LAST_ACTIVITY)
        ),
        last_release=Subquery(
            Release.objects.filter(client=OuterRef("pk"))
            .order_by()
            .values("client")
            .annotate(latest=Max("expected_date"))
            .values("latest")[:1]
        ),
        active_case=Exists(Case.objects.filter(client=OuterRef("pk"), status=CaseStatus.ACTIVE)),
        live_referral=Exists(
            Referral.objects.filter(client=OuterRef("pk"), status__in=LIVE_REFERRAL)
        ),
    )


def relationship_end(client: Any) -> date | None:
    """The day an annotated client's relationship ended; None while it is ongoing."""
    if client.active_case or client.live_referral:
        return None
    end = timezone.localdate(client.last_activity)
    return max(end, client.last_release) if client.last_release else end


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _referenced(client_ids: list[int]) -> set[int]:
    """Clients that rows kept for the logs and statistics still refer to."""
    referenced: set[int] = set()
    for rows in (
        Referral.objects.exclude(status=ReferralStatus.DRAFT),
        Case.objects.all(),
        UseLogEntry.objects.all(),
        DisclosureLogEntry.objects.all(),
    ):
        referenced |= set(
            rows.filter(client_id__in=client_ids)
            .order_by()
            .values_list("client_id", flat=True)
            .distinct()
        )
    return referenced


def _holding(due: dict[int, set[str]]) -> dict[int, set[str]]:
    """Of each client's due categories, those the client still holds data of."""
    held: dict[int, set[str]] = {client_id: set() for client_id in due}
    codes = set().union(*due.values()) if due else set()
    ids = list(due)
    for scrub in scrubs_for(codes):
        assert scrub.category is not None  # noqa: S101 - scrubs_for(codes) has categories
        for client_id in scrub.rows(ids).values_list(scrub.client_path, flat=True).distinct():
            if scrub.category in due[client_id]:
                held[client_id].add(scrub.category)
    return held


def retention_findings(
    *, today: date, client_ids: list[int] | None = None
) -> tuple[list[Finding], int]:
    """What is due today, client by client, and how many open relationships are stale."""
    rules = rules_by_code()
    categories = list(DataCategory.objects.all())
    if not rules:
        return [], 0
    uncovered = any(category.code not in rules for category in categories)
    shortest = min(rule.years for rule in rules.values())
    horizon = add_years(today, -shortest)
    # Only clients that existed before the shortest period began, or whose release is
    # that old, can have anything due; the rest is decided client by client below.
    clients = Client.objects.filter(anonymisation__isnull=True).filter(
        Q(created_at__lt=start_of_day(horizon + timedelta(days=1)))
        | Exists(Release.objects.filter(client=OuterRef("pk"), expected_date__lte=horizon))
    )
    if client_ids is not None:
        clients = clients.filter(pk__in=client_ids)
    clients = clients_with_activity(clients.select_related("recorded_by")).order_by("pk")
    findings: list[Finding] = []
    stale = 0
    for chunk in _chunks(clients.iterator(chunk_size=CHUNK), CHUNK):
        whole: dict[int, tuple[Any, list[DueItem]]] = {}
        partly: dict[int, tuple[Any, dict[str, DueItem]]] = {}
        for client in chunk:
            end = relationship_end(client)
            if end is None:
                stale += timezone.localdate(client.last_activity) <= horizon
                continue
            items = _due_items(client=client, end=end, categories=categories, rules=rules)
            due = {item.category.code: item for item in items if item.due_on <= today}
            if not uncovered and len(due) == len(items):
                whole[client.pk] = (client, items)
            elif due:
                partly[client.pk] = (client, due)
        referenced = _referenced(list(whole)) if whole else set()
        for client_id, (client, items) in whole.items():
            decision = Decision.ANONYMISE if client_id in referenced else Decision.DELETE
            findings.append(_finding(client, decision, items))
        held = _holding({pk: set(due) for pk, (_client, due) in partly.items()})
        for client_id, (client, due) in partly.items():
            if held[client_id]:
                kept = [item for code, item in due.items() if code in held[client_id]]
                findings.append(_finding(client, Decision.CLEAR, kept))
    findings.sort(
        key=lambda f: (
            DECISION_ORDER[Decision(f.decision)],
            min(i.due_on for i in f.items),
            f.client_id,
        )
    )
    return findings, stale


def _due_items(
    *,
    client: Any,
    end: date,
    categories: list[DataCategory],
    rules: dict[str, RetentionRule],
) -> list[DueItem]:
    """Each category's due date for an annotated client whose relationship has ended."""
    items = []
    for category in categories:
        rule = rules.get(category.code)
        if rule is None:
            continue
        if rule.counted_from == CountedFrom.RELEASE:
            if client.last_release is None:
                continue  # no enforcement data was recorded
            start = client.last_release
        else:
            start = end
        items.append(DueItem(category, rule, start, add_years(start, rule.years)))
    return items


def _finding(client: Client, decision: str, items: list[DueItem]) -> Finding:
    return Finding(
        client_id=client.pk,
        public_id=client.public_id,
        recorded_by=str(client.recorded_by),
        decision=decision,
        items=tuple(sorted(items, key=lambda item: item.category.ordering)),
    )


def retention_plan(*, today: date) -> RetentionPlan:
    """The dry run: every finding, and the log rows past their own period."""
    findings, stale = retention_findings(today=today)
    before = logs_expire_before(today=today)
    rules = rules_by_code()
    return RetentionPlan(
        today=today,
        findings=findings,
        logs_before=before,
        use_log_rows=UseLogEntry.objects.filter(at__lt=before).count(),
        disclosure_log_rows=DisclosureLogEntry.objects.filter(at__lt=before).count(),
        uncovered=[c for c in DataCategory.objects.all() if c.code not in rules],
        stale=stale,
    )


def findings_for_agency(*, findings: list[Finding], agency: Agency) -> list[Finding]:
    """The findings a data protection officer of `agency` may see client by client: its
    clients are those it recorded or that were ever disclosed to it (docs/adr/0011)."""
    ids = [finding.client_id for finding in findings]
    theirs: set[int] = set()
    for chunk in _chunks(ids, CHUNK):
        theirs |= set(
            Client.objects.filter(pk__in=chunk)
            .filter(
                Q(recorded_by=agency)
                | Exists(AccessGrant.objects.filter(client=OuterRef("pk"), agency=agency))
            )
            .values_list("pk", flat=True)
        )
    return [finding for finding in findings if finding.client_id in theirs]


def client_finding(*, client_id: int, today: date) -> Finding | None:
    """A fresh dry run for one client, as the real run makes it just before acting."""
    findings, _stale = retention_findings(today=today, client_ids=[client_id])
    return findings[0] if findings else None


def runs_recent(*, limit: int = 10) -> QuerySet[RetentionRun]:
    return RetentionRun.objects.select_related("requested_by")[:limit]


def run_pending() -> RetentionRun | None:
    return RetentionRun.objects.filter(status__in=[RunStatus.REQUESTED, RunStatus.RUNNING]).first()

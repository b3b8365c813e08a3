"""What case reminders are due, computed from the database on every scan.

A reminder is due on anchor date + offset. The scan looks back `catch_up_days`, so runs
missed while the worker was down catch up, and asks the database only for the active
cases whose anchor date puts one of the template's offsets in that range: one range per
offset, one query per template and batch, however many cases there are.

A reminder's subject names the anchor date it was computed from: when the release date
moves, the reminders are due again on their new dates.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Q
from django.urls import reverse

from agencies.selectors import AgencyPeople, agency_people
from notifications.services import Due
from notifications.texts import case_params
from pathways.cases.notification_kinds import CaseNotificationKind
from pathways.models import (
    AnchorKind,
    Audience,
    Case,
    CaseStage,
    CaseStatus,
    PathwayTemplate,
    StageStatus,
)
from referrals.models import Referral, ReferralStatus

CATCH_UP_DAYS = 7
CASE_BATCH = 2000
RELEASE_COUNTDOWN = (
    (-90, CaseNotificationKind.RELEASE_IN_3_MONTHS),
    (-60, CaseNotificationKind.RELEASE_IN_2_MONTHS),
    (-30, CaseNotificationKind.RELEASE_IN_1_MONTH),
    (-7, CaseNotificationKind.RELEASE_IN_1_WEEK),
)
FINISHED = (StageStatus.DONE, StageStatus.SKIPPED)


@dataclass(frozen=True)
class _Rule:
    offset: int
    kind: str
    stage_id: int | None  # None: about the whole case
    audience: str
    message: dict[str, str] | None = None


def _names(obj: Any) -> dict[str, str]:
    return {"fi": obj.name_fi, "sv": obj.name_sv, "en": obj.name_en}


def _template_rules(template: PathwayTemplate) -> list[_Rule]:
    rules: list[_Rule] = []
    if template.anchor == AnchorKind.RELEASE_DATE:
        rules += [_Rule(offset, kind, None, "case") for offset, kind in RELEASE_COUNTDOWN]
    for stage in template.stages.all():
        if stage.is_anchor:
            continue
        rules.append(
            _Rule(
                stage.window_start, CaseNotificationKind.STAGE_OPENS, stage.pk, Audience.RESPONSIBLE
            )
        )
        rules.append(
            _Rule(
                stage.window_end + 1,
                CaseNotificationKind.STAGE_OVERDUE,
                stage.pk,
                Audience.RESPONSIBLE,
            )
        )
        rules += [
            _Rule(
                reminder.offset_days,
                CaseNotificationKind.STAGE_REMINDER,
                stage.pk,
                reminder.audience,
                _names(reminder),
            )
            for reminder in stage.reminders.all()
        ]
    return rules


class _CaseRow(NamedTuple):
    pk: int
    public_id: UUID
    anchor_date: date
    release_id: int | None
    started_by_user_id: int
    reference: str


class _StageRow(NamedTuple):
    status: str
    responsible_agency_id: int | None
    responsible_person_id: int | None


def _audience(audience: str, stage: _StageRow, people: dict[int, AgencyPeople]) -> frozenset[int]:
    if audience == Audience.RESPONSIBLE and stage.responsible_person_id:
        return frozenset({stage.responsible_person_id})
    staff = people.get(stage.responsible_agency_id or 0)
    if staff is None:
        return frozenset()
    if audience == Audience.COORDINATOR:
        return staff.coordinators
    return staff.contact_persons or staff.coordinators


def _case_batches(template: PathwayTemplate, anchors: Q) -> Iterator[list[_CaseRow]]:
    """Plain rows, a batch at a time: tens of thousands of model instances would cost
    more than the queries."""
    last = 0
    while True:
        batch = [
            _CaseRow(*row)
            for row in Case.objects.filter(
                anchors, template=template, status=CaseStatus.ACTIVE, pk__gt=last
            )
            .order_by("pk")
            .values_list(
                "pk", "public_id", "anchor_date", "release_id", "started_by_user_id", "reference"
            )[:CASE_BATCH]
        ]
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def case_reminders_due(*, today: date, catch_up_days: int = CATCH_UP_DAYS) -> Iterator[Due]:
    first = today - timedelta(days=catch_up_days)
    templates = (
        PathwayTemplate.objects.filter(
            pk__in=Case.objects.filter(status=CaseStatus.ACTIVE).values("template_id")
        )
        .prefetch_related("stages__reminders")
        .order_by("pk")
    )
    for template in templates:
        rules = _template_rules(template)
        if not rules:
            continue
        stage_names = {stage.pk: _names(stage) for stage in template.stages.all()}
        # due_on = anchor + offset lies in [first, today]  <=>  anchor in [first - o, today - o]
        anchors = Q()
        for offset in {rule.offset for rule in rules}:
            anchors |= Q(
                anchor_date__gte=first - timedelta(days=offset),
                anchor_date__lte=today - timedelta(days=offset),
            )
        for cases in _case_batches(template, anchors):
            yield from _batch_due(cases, rules, stage_names, first, today)


def _batch_due(
    cases: list[_CaseRow],
    rules: list[_Rule],
    stage_names: dict[int, dict[str, str]],
    first: date,
    today: date,
) -> Iterator[Due]:
    # Finished stages are never reminded of, so they are not read at all.
    open_stages = {
        (case_id, stage_id): _StageRow(status, agency_id, person_id)
        for case_id, stage_id, status, agency_id, person_id in CaseStage.objects.filter(
            case_id__in=[case.pk for case in cases]
        )
        .exclude(status__in=FINISHED)
        .values_list(
            "case_id", "stage_id", "status", "responsible_agency_id", "responsible_person_id"
        )
    }
    people = agency_people(
        agency_ids={
            s.responsible_agency_id for s in open_stages.values() if s.responsible_agency_id
        }
    )
    handlers = _release_handlers(cases)
    for case in cases:
        for rule in rules:
            due_on = case.anchor_date + timedelta(days=rule.offset)
            if not first <= due_on <= today:
                continue
            subject = f"case:{case.pk}:anchor:{case.anchor_date.isoformat()}"
            params: dict[str, Any] = {
                "date": due_on.isoformat(),
                **case_params(public_id=case.public_id, reference=case.reference),
            }
            if rule.stage_id is None:
                params["date"] = case.anchor_date.isoformat()
                recipients = frozenset({case.started_by_user_id, *handlers.get(case.pk, ())})
            else:
                stage = open_stages.get((case.pk, rule.stage_id))
                if stage is None:
                    continue
                if rule.kind == CaseNotificationKind.STAGE_OPENS and (
                    stage.status != StageStatus.NOT_STARTED
                ):
                    continue
                subject += f":stage:{rule.stage_id}"
                if rule.kind == CaseNotificationKind.STAGE_REMINDER:
                    subject += f":{rule.offset}:{rule.audience}"
                params["stage"] = stage_names[rule.stage_id]
                if rule.message:
                    params["message"] = rule.message
                recipients = _audience(rule.audience, stage, people)
            yield Due(
                kind=rule.kind,
                subject=subject,
                due_on=due_on,
                recipients=recipients,
                url=reverse("case-detail", args=[case.public_id]),
                params=params,
            )


def _release_handlers(cases: list[_CaseRow]) -> dict[int, set[int]]:
    """Case id -> the people handling the referrals sent about its release."""
    by_release = {case.release_id: case.pk for case in cases if case.release_id}
    handlers: dict[int, set[int]] = defaultdict(set)
    for release_id, person_id, assigned_id in Referral.objects.filter(
        release_id__in=by_release,
        status__in=[ReferralStatus.SENT, ReferralStatus.OPENED, ReferralStatus.ACCEPTED],
    ).values_list("release_id", "recipient_person_id", "assigned_to_id"):
        handlers[by_release[release_id]].update(p for p in (person_id, assigned_id) if p)
    return handlers

"""Reminders of the employment plan and the outcome follow-up, computed from the database
on every scan like the case reminders (pathways.cases.reminders), and the scan itself: it lives
here, at the top of the layers it reads, so that it can chain the reminders of every one.

What is due, and to whom (the employment area that leads the plan is the agency that
answers for the case's employment-area stages; its named contact persons, or its
coordinators when it names none):

- PLAN_DUE: Act 381/2023 §4 wants the joint plan within three months. Counted from the
  day the plan was started, 90 days on, while no version is fully signed off; and on a
  release path whose plan has not been started at all, 90 days from the release date,
  so that a plan nobody started is not forgotten either. To the lead.
- PLAN_REVIEW: §6 wants a review at least every three months: 90 days after the day the
  last version was fully signed off (`reviewed_on`, which the first full sign-off sets
  too). To the lead.
- ACTION_DUE: on a planned or started action's due date, to its owner agency.
- FOLLOW_UP_DUE: 3, 6 and 12 months after the anchor date (the release date on a release
  path) of a case with an outcome recorded, until that follow-up is recorded. To the
  lead and whoever recorded the outcome.

Each query reads every plan, action or case in the catch-up window at once, however many
there are; none is made per case. The parameters carry dates and the case's reference,
never client data.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import chain
from typing import Any

from django.db.models import Q
from django.urls import reverse

from agencies.selectors import AgencyPeople, agency_people
from core.dates import add_months
from notifications.services import Due, reminders_deliver
from notifications.texts import case_params
from pathways.cases.reminders import CATCH_UP_DAYS, case_reminders_due
from pathways.models import AnchorKind, Case, CaseStatus
from plans.models import EmploymentPlan, FollowUp, Outcome, PlanAction
from plans.notification_kinds import PlanNotificationKind
from plans.selectors import OPEN_ACTION, PLAN_DUE_DAYS, REVIEW_DAYS, case_lead_agency_ids
from referrals.reminders import referral_reminders_due

# A month is 28 to 31 days: the database is asked for a little more, and the exact due
# date is computed here.
MONTH_MIN, MONTH_MAX = 28, 31


def _people(staff: AgencyPeople | None) -> frozenset[int]:
    if staff is None:
        return frozenset()
    return staff.contact_persons or staff.coordinators


def _plan_url(public_id: Any, anchor: str = "") -> str:
    url = reverse("case-plan", args=[public_id])
    return f"{url}#{anchor}" if anchor else url


def _lead_people(case_ids: list[int]) -> dict[int, frozenset[int]]:
    """Case id -> the people of the employment area that leads its plan."""
    lead = case_lead_agency_ids(case_ids=case_ids)
    people = agency_people(agency_ids=set(lead.values()))
    return {case_id: _people(people.get(agency_id)) for case_id, agency_id in lead.items()}


def _plans_due(first: date, today: date) -> Iterator[Due]:
    started = timedelta(days=PLAN_DUE_DAYS)
    reviewed = timedelta(days=REVIEW_DAYS)
    plans = list(
        EmploymentPlan.objects.filter(case__status=CaseStatus.ACTIVE)
        .filter(
            Q(reviewed_on__isnull=True, started_on__range=(first - started, today - started))
            | Q(reviewed_on__range=(first - reviewed, today - reviewed))
        )
        .values_list(
            "pk", "case_id", "case__public_id", "case__reference", "started_on", "reviewed_on"
        )
    )
    unstarted = list(
        Case.objects.filter(
            status=CaseStatus.ACTIVE,
            template__anchor=AnchorKind.RELEASE_DATE,
            plan__isnull=True,
            anchor_date__range=(first - started, today - started),
        ).values_list("pk", "public_id", "reference", "anchor_date")
    )
    people = _lead_people([row[1] for row in plans] + [row[0] for row in unstarted])
    for pk, case_id, public_id, reference, started_on, reviewed_on in plans:
        if reviewed_on is None:
            kind, subject, due_on = (
                PlanNotificationKind.PLAN_DUE,
                f"plan:{pk}:started:{started_on.isoformat()}",
                started_on + started,
            )
        else:
            kind, subject, due_on = (
                PlanNotificationKind.PLAN_REVIEW,
                f"plan:{pk}:reviewed:{reviewed_on.isoformat()}",
                reviewed_on + reviewed,
            )
        yield Due(
            kind=kind,
            subject=subject,
            due_on=due_on,
            recipients=people.get(case_id, frozenset()),
            url=_plan_url(public_id),
            params={
                "date": due_on.isoformat(),
                **case_params(public_id=public_id, reference=reference),
            },
        )
    for case_id, public_id, reference, anchor in unstarted:
        due_on = anchor + started
        yield Due(
            kind=PlanNotificationKind.PLAN_DUE,
            subject=f"case:{case_id}:plan:anchor:{anchor.isoformat()}",
            due_on=due_on,
            recipients=people.get(case_id, frozenset()),
            url=_plan_url(public_id),
            params={
                "date": due_on.isoformat(),
                **case_params(public_id=public_id, reference=reference),
            },
        )


def _actions_due(first: date, today: date) -> Iterator[Due]:
    actions = list(
        PlanAction.objects.filter(
            status__in=OPEN_ACTION,
            due_on__range=(first, today),
            plan__case__status=CaseStatus.ACTIVE,
        ).values_list(
            "pk",
            "public_id",
            "due_on",
            "owner_agency_id",
            "plan__case__public_id",
            "plan__case__reference",
        )
    )
    people = agency_people(agency_ids={row[3] for row in actions})
    for pk, public_id, due_on, owner_id, case_public_id, reference in actions:
        yield Due(
            kind=PlanNotificationKind.ACTION_DUE,
            subject=f"plan-action:{pk}",
            due_on=due_on,
            recipients=_people(people.get(owner_id)),
            url=_plan_url(case_public_id, f"action-{public_id}"),
            params={
                "date": due_on.isoformat(),
                **case_params(public_id=case_public_id, reference=reference),
            },
        )


def _follow_ups_due(first: date, today: date) -> Iterator[Due]:
    anchors = Q()
    for months in FollowUp.MONTHS:
        anchors |= Q(
            case__anchor_date__gte=first - timedelta(days=months * MONTH_MAX),
            case__anchor_date__lte=today - timedelta(days=months * MONTH_MIN),
        )
    recorders: dict[int, set[int]] = defaultdict(set)
    cases: dict[int, tuple[Any, str, date]] = {}
    for case_id, public_id, reference, anchor, recorder in Outcome.objects.filter(
        anchors, case__template__anchor=AnchorKind.RELEASE_DATE
    ).values_list(
        "case_id", "case__public_id", "case__reference", "case__anchor_date", "recorded_by_id"
    ):
        cases[case_id] = (public_id, reference, anchor)
        recorders[case_id].add(recorder)
    if not cases:
        return
    done = set(FollowUp.objects.filter(case_id__in=cases).values_list("case_id", "months"))
    people = _lead_people(list(cases))
    for case_id, (public_id, reference, anchor) in cases.items():
        for months in FollowUp.MONTHS:
            due_on = add_months(anchor, months)
            if not first <= due_on <= today or (case_id, months) in done:
                continue
            yield Due(
                kind=PlanNotificationKind.FOLLOW_UP_DUE,
                subject=f"case:{case_id}:follow-up:{months}:anchor:{anchor.isoformat()}",
                due_on=due_on,
                recipients=people.get(case_id, frozenset()) | frozenset(recorders[case_id]),
                url=_plan_url(public_id, "outcomes"),
                params={
                    "date": due_on.isoformat(),
                    **case_params(public_id=public_id, reference=reference),
                },
            )


def plan_reminders_due(*, today: date, catch_up_days: int = CATCH_UP_DAYS) -> Iterator[Due]:
    first = today - timedelta(days=catch_up_days)
    yield from _plans_due(first, today)
    yield from _actions_due(first, today)
    yield from _follow_ups_due(first, today)


def reminders_scan_all(*, today: date, catch_up_days: int = CATCH_UP_DAYS) -> int:
    """Deliver every case, referral, plan and follow-up reminder due in the catch-up window
    that no scan has claimed yet; returns the number of notifications made."""
    due = chain(
        case_reminders_due(today=today, catch_up_days=catch_up_days),
        referral_reminders_due(today=today, catch_up_days=catch_up_days),
        plan_reminders_due(today=today, catch_up_days=catch_up_days),
    )
    return reminders_deliver(due=due, claimed_since=today - timedelta(days=catch_up_days))

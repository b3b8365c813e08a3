from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.dates import add_months, today
from notifications.models import Notification
from notifications.texts import notification_text
from pathways.models import Case
from plans.models import ActionStatus, FollowUp, PlanAction
from plans.notification_kinds import PlanNotificationKind
from plans.reminders import plan_reminders_due, reminders_scan_all
from plans.services import (
    outcome_record,
    plan_action_add,
    plan_goal_add,
    plan_sign_off,
    plan_version_freeze,
)
from plans.tasks import reminders_scan_task

from ..factories import agency, demo_people, mikko_planned, user
from .helpers import DAY, mikko, new_case, new_plan, plan_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his assessment and plan."""
    module_world(demo_people)
    module_world(mikko_planned)


def plan_notes(case, kind):
    return Notification.objects.filter(
        kind=kind, url__startswith=reverse("case-plan", args=[case.public_id])
    )


def people(key):
    """An agency's named contact persons: whom its reminders reach."""
    return set(agency(key).contact_persons.values_list("person__username", flat=True))


def usernames(notes):
    return {n.recipient.username for n in notes}


def test_the_scan_is_the_task_beat_enqueues():
    assert reminders_scan_task.name == "pathways.reminders_scan"
    assert settings.CELERY_BEAT_SCHEDULE["reminders-scan"]["task"] == reminders_scan_task.name


def test_the_review_is_reminded_once_three_months_after_the_sign_off():
    case = mikko()  # plans/demo.py: version 1 fully signed off today
    assert plan_of(case).reviewed_on == today()
    due = today() + 90 * DAY
    reminders_scan_all(today=due - DAY)
    assert not plan_notes(case, PlanNotificationKind.PLAN_REVIEW).exists()
    reminders_scan_all(today=due)
    notes = plan_notes(case, PlanNotificationKind.PLAN_REVIEW)
    assert usernames(notes) == people("tym-oulu") == {"tym.oulu", "koordinaattori.oulu"}
    assert {n.due_on for n in notes} == {due}
    assert notes.first().params == {
        "date": due.isoformat(),
        "ref": case.reference,
        "case": str(case.public_id),
    }
    reminders_scan_all(today=due)
    reminders_scan_all(today=due + 3 * DAY)
    assert plan_notes(case, PlanNotificationKind.PLAN_REVIEW).count() == 2
    with translation.override("en"):
        text = notification_text(notes.first())
    assert (
        text == f"A client's employment plan is due for review by {due.day}.{due.month}.{due.year}."
    )
    assert case.client.last_name not in text


def test_a_plan_not_signed_off_is_due_three_months_after_it_started():
    case = new_case()
    plan = new_plan(case)
    signed = new_case()
    signed_plan = new_plan(signed)
    tym = agency("tym-oulu")
    plan_goal_add(plan=signed_plan, text="Työ", user=user("tym.oulu"), agency=tym)
    version = plan_version_freeze(plan=signed_plan, user=user("tym.oulu"), agency=tym)
    version.plan = signed_plan
    plan_sign_off(version=version, user=user("tym.oulu"), agency=tym)
    reminders_scan_all(today=plan.started_on + 90 * DAY)
    assert usernames(plan_notes(case, PlanNotificationKind.PLAN_DUE)) == people("tym-oulu")
    assert not plan_notes(signed, PlanNotificationKind.PLAN_DUE).exists()
    assert plan_notes(signed, PlanNotificationKind.PLAN_REVIEW).exists()


def test_a_release_path_without_a_plan_is_due_three_months_after_release():
    case = new_case()
    Case.objects.filter(pk=case.pk).update(anchor_date=today() - 90 * DAY)
    reminders_scan_all(today=today())
    notes = plan_notes(case, PlanNotificationKind.PLAN_DUE)
    assert usernames(notes) == people("tym-oulu")
    assert {n.due_on for n in notes} == {today()}
    assert reminders_scan_all(today=today()) == 0


def test_an_action_is_reminded_to_its_owner_on_its_due_date():
    case = mikko()
    county = plan_of(case).actions.get(owner_agency=agency("hva-pohjois"))
    tym = plan_of(case).actions.filter(owner_agency=agency("tym-oulu")).order_by("due_on").first()
    PlanAction.objects.filter(pk=tym.pk).update(status=ActionStatus.DONE)
    for day in (tym.due_on, county.due_on):
        reminders_scan_all(today=day)
    notes = Notification.objects.filter(kind=PlanNotificationKind.ACTION_DUE)
    county_notes = notes.filter(url__endswith=f"#action-{county.public_id}")
    assert usernames(county_notes) == {"hva.pohjois"}
    assert county_notes.get().due_on == county.due_on
    assert not notes.filter(url__endswith=f"#action-{tym.public_id}").exists()
    reminders_scan_all(today=county.due_on + DAY)
    assert county_notes.count() == 1


def test_an_action_added_by_a_meeting_is_reminded_too():
    case = mikko()
    action = plan_action_add(
        plan=plan_of(case),
        text="Kelan hakemus",
        owner_agency=agency("tym-oulu"),
        due_on=today() + 3 * DAY,
        origin="Verkostopalaveri",
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
    )
    reminders_scan_all(today=today() + 5 * DAY)  # two days late: the catch-up finds it
    notes = Notification.objects.filter(
        kind=PlanNotificationKind.ACTION_DUE, url__endswith=f"#action-{action.public_id}"
    )
    assert usernames(notes) == people("tym-oulu")


def released_with_outcome(anchor) -> Case:
    case = new_case()
    Case.objects.filter(pk=case.pk).update(anchor_date=anchor)
    case.refresh_from_db()
    outcome_record(
        case=case,
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        kind="employment",
        employer_type="public",
        hours_per_week=Decimal(20),
        start_date=case.anchor_date,
    )
    return case


def test_follow_ups_are_reminded_at_three_six_and_twelve_months_until_recorded():
    anchor = today() - DAY
    case = released_with_outcome(anchor)
    done = released_with_outcome(anchor)
    FollowUp.objects.create(
        case=done,
        months=6,
        still_holds=True,
        checked_by=user("tym.oulu"),
        checked_agency=agency("tym-oulu"),
    )
    for months in (3, 6, 12):
        day = add_months(anchor, months)
        reminders_scan_all(today=day)
        reminders_scan_all(today=day)
    notes = plan_notes(case, PlanNotificationKind.FOLLOW_UP_DUE)
    assert sorted({n.due_on for n in notes}) == [add_months(anchor, m) for m in (3, 6, 12)]
    # To the lead's contact persons and whoever recorded the outcome, once each.
    assert usernames(notes) == people("tym-oulu") | {"koordinaattori.oulu"}
    assert notes.count() == 3 * len(usernames(notes))
    done_notes = plan_notes(done, PlanNotificationKind.FOLLOW_UP_DUE)
    assert sorted({n.due_on for n in done_notes}) == [add_months(anchor, m) for m in (3, 12)]


def test_the_plan_reminders_take_the_same_queries_for_many_plans():
    def queries(day):
        with CaptureQueriesContext(connection) as captured:
            due = list(plan_reminders_due(today=day, catch_up_days=7))
        return len(captured), len(due)

    def plan_with_action(days):
        plan = new_plan()
        plan_action_add(
            plan=plan,
            text="Työnhaku",
            owner_agency=agency("rise-prison") if days % 2 else agency("tym-oulu"),
            due_on=today() + days * DAY,
            origin="",
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
        )
        return plan

    day = today() + 90 * DAY
    released_with_outcome(add_months(day, -3))
    plan_with_action(90)
    few, due_few = queries(day)
    for _ in range(3):
        released_with_outcome(add_months(day, -3))
        plan_with_action(90)
        plan_with_action(89)
    many, due_many = queries(day)
    assert due_many > due_few
    assert many == few

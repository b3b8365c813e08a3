"""The assessment, plan, version and follow-up pages built without HTTP
(plans.page_selectors): what each agency is shown, the forms it gets, and the data
categories each page names for the use log."""

import pytest

from agencies.models import Role
from plans.forms import FollowUpForm, GoalForm
from plans.models import ActionStatus, Domain, PlanVersion
from plans.page_selectors import (
    assessment_page_build,
    follow_up_page_build,
    plan_page_build,
    version_page_build,
)
from plans.selectors import PlanRights, case_and_rights
from plans.services import plan_action_add, plan_goal_add, plan_version_freeze

from ..factories import agency, user
from .helpers import DAY, mikko, new_case, new_plan

pytestmark = pytest.mark.django_db

# plans/demo.py: two goals; actions of Oulun seutu (two) and of the county (one).
COUNTY_ACTION = "Asumisneuvonnan tapaaminen ja asuntohakemus."


def _rights(case, key: str, role: str | None = Role.STAFF) -> PlanRights:
    _case, rights = case_and_rights(agency=agency(key), public_id=case.public_id, role=role)
    return rights


def test_the_plans_lead_sees_the_whole_plan_with_its_forms(personas):
    case = mikko()
    page = plan_page_build(case=case, rights=_rights(case, "tym-oulu"))
    assert page.plan is not None
    assert len(page.goals) == 2
    assert len(page.actions) == 3
    assert not page.hidden_actions
    assert page.goal_form is not None
    assert page.action_form is not None
    assert page.latest is not None
    assert page.logged == {"employment_plan"}
    assert page.template == "plans/plan.html"


def test_the_county_sees_only_its_own_action_and_may_only_move_that(personas):
    case = mikko()
    page = plan_page_build(case=case, rights=_rights(case, "hva-pohjois"))
    assert page.goals == []
    assert [row.action.text for row in page.actions] == [COUNTY_ACTION]
    assert page.hidden_actions
    assert page.goal_form is None
    assert page.action_form is None
    assert page.plan_reason
    assert page.actions[0].moves
    # Its own action shows it the plan category: the log names it.
    assert page.logged == {"employment_plan"}


def test_a_refused_goal_keeps_its_form_and_an_overdue_action_is_flagged(personas):
    case = new_case()
    plan = new_plan(case)
    goal = plan_goal_add(
        plan=plan, text="Työpaikka", user=user("tym.oulu"), agency=agency("tym-oulu")
    )
    action = plan_action_add(
        plan=plan,
        text="Työnhakuun ilmoittautuminen",
        owner_agency=agency("tym-oulu"),
        due_on=case.release.expected_date,
        origin="",
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        goal=goal,
    )
    posted = GoalForm({"goal-text": ""})
    assert not posted.is_valid()
    rights = _rights(case, "tym-oulu")
    page = plan_page_build(case=case, rights=rights, goal_form=posted, error="Refused")
    assert page.goal_form is posted
    assert page.error == "Refused"
    assert [(row.action, row.overdue) for row in page.actions] == [(action, False)]
    assert page.actions[0].moves == ("start", "complete", "cancel")
    type(action).objects.filter(pk=action.pk).update(due_on=page.today - DAY)
    late = plan_page_build(case=case, rights=rights)
    assert late.actions[0].overdue
    type(action).objects.filter(pk=action.pk).update(status=ActionStatus.DONE)
    assert not plan_page_build(case=case, rights=rights).actions[0].overdue


def test_a_new_version_asks_its_signatories_to_sign_and_an_older_one_does_not(personas):
    case = new_case()
    plan = new_plan(case)
    plan_goal_add(plan=plan, text="Työpaikka", user=user("tym.oulu"), agency=agency("tym-oulu"))
    first = plan_version_freeze(plan=plan, user=user("tym.oulu"), agency=agency("tym-oulu"))
    rights = _rights(case, "tym-oulu")
    page = version_page_build(case=case, rights=rights, version=first)
    assert page.is_newest
    assert page.may_sign
    assert [goal["text"] for goal in page.view.goals] == ["Työpaikka"]
    assert page.logged == {"employment_plan"}
    second = plan_version_freeze(plan=plan, user=user("tym.oulu"), agency=agency("tym-oulu"))
    older = version_page_build(
        case=case, rights=rights, version=PlanVersion.objects.get(pk=first.pk)
    )
    assert not older.is_newest
    assert not older.may_sign
    assert version_page_build(case=case, rights=rights, version=second).may_sign


def test_the_assessment_shows_each_agency_the_domains_it_may_see(personas):
    case = mikko()
    lead = assessment_page_build(case=case, rights=_rights(case, "tym-oulu"))
    county = assessment_page_build(case=case, rights=_rights(case, "hva-pohjois"))
    assert lead.template == "plans/assessment.html"
    assert lead.purpose == "assessment"
    assert not lead.completed
    assert lead.logged == {"health", "service_needs"}
    # Each agency writes its own part; the summary is the lead's to write.
    assert sum(1 for row in lead.rows if row.own) == 2
    assert sum(1 for row in county.rows if row.own) == 3
    assert lead.summary_form is not None
    assert county.summary_form is None
    # Oulun seutu's work-capacity entry is health data the county may not see: the
    # county is shown neither the entry nor the need it suggests an agency for.
    work_capacity = str(Domain.WORK_CAPACITY.label)
    lead_domains = {a.name_fi: domains for a, _contacts, domains in lead.suggestions}
    county_domains = {a.name_fi: domains for a, _contacts, domains in county.suggestions}
    assert work_capacity in lead_domains[agency("tym-oulu").name_fi]
    assert work_capacity not in county_domains[agency("tym-oulu").name_fi]
    assert sum(len(row.entries) for row in county.rows) < sum(len(r.entries) for r in lead.rows)


def test_a_follow_up_before_any_outcome_shows_nothing_of_the_plan(personas):
    case = new_case()
    new_plan(case)
    rights = _rights(case, "tym-oulu")
    form = FollowUpForm()
    page = follow_up_page_build(case=case, rights=rights, form=form)
    assert page.form is form
    assert page.outcome is None
    assert page.follow_ups == []
    assert page.logged == frozenset()

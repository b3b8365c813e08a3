"""The assessment, plan, version and follow-up pages built without HTTP
(plans.page_selectors): what each agency is shown, the forms it gets, and the data
categories each page names for the use log."""

import pytest

from agencies.models import Role
from core.dates import today
from plans.forms import FollowUpForm, GoalForm
from plans.models import ActionStatus, Domain, PlanVersion
from plans.page_selectors import (
    assessment_page_build,
    follow_up_page_build,
    plan_page_build,
    version_page_build,
)
from plans.selectors import PlanRights, case_and_rights
from plans.services import (
    assessment_entries_save,
    plan_action_add,
    plan_goal_add,
    plan_version_freeze,
)
from referrals.models import ConsentMethod, LegalBasis
from referrals.services import consent_record, referral_create

from ..factories import agency, basis, categories, demo_people, mikko_planned, user
from .helpers import DAY, new_case, new_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his assessment and plan."""
    module_world(demo_people)
    module_world(mikko_planned)


COUNTY_ACTION = "Asumisneuvonnan tapaaminen ja asuntohakemus."


def _rights(case, key: str, role: str | None = Role.STAFF) -> PlanRights:
    _case, rights = case_and_rights(agency=agency(key), public_id=case.public_id, role=role)
    return rights


def _county_consents(case) -> None:
    """The client consents to the wellbeing services county seeing the name and service
    needs (not health data, not the plan), and Oulu prison refers the client there."""
    county, prison = agency("hva-pohjois"), agency("rise-prison")
    codes = categories("identity", "service_needs")
    consent_record(
        client=case.client,
        agency=prison,
        user=user("rise.oulu"),
        recipient_agency=county,
        recipient_kind="",
        categories=codes,
        given_on=today(),
        method=ConsentMethod.WRITTEN,
        valid_until=today() + 365 * DAY,
    )
    referral_create(
        client=case.client,
        sender=prison,
        user=user("rise.oulu"),
        recipient_agency=county,
        recipient_person=user("hva.pohjois"),
        basis=basis(LegalBasis.CONSENT),
        categories=codes,
        message="Tuki asumiseen",
    )


def _world():
    """A path as the demo's Mikko's: §28 gives Oulun seutu (the plan's lead) health data
    and service needs, consent gives the county service needs. Both assessed their part;
    the plan has two goals, two actions of Oulun seutu and one of the county."""
    case = new_case()
    _county_consents(case)
    tym, county = agency("tym-oulu"), agency("hva-pohjois")
    entries = {
        "tym-oulu": {"work_capacity": ("significant", "Selkävaiva"), "education": ("some", "")},
        "hva-pohjois": {"housing": ("significant", "Ei asuntoa")},
    }
    for key, username in (("tym-oulu", "tym.oulu"), ("hva-pohjois", "hva.pohjois")):
        assessment_entries_save(
            case=case, user=user(username), agency=agency(key), entries=entries[key]
        )
    plan = new_plan(case)
    lead = user("tym.oulu")
    goal = plan_goal_add(plan=plan, text="Työpaikka", user=lead, agency=tym)
    plan_goal_add(plan=plan, text="Oma asunto", user=lead, agency=tym)
    for text, owner in (
        ("Työnhakuun ilmoittautuminen", tym),
        ("Työkokeilupaikan haku", tym),
        (COUNTY_ACTION, county),
    ):
        plan_action_add(
            plan=plan,
            text=text,
            owner_agency=owner,
            due_on=today() + 30 * DAY,
            origin="",
            goal=goal,
            user=lead,
            agency=tym,
        )
    plan_version_freeze(plan=plan, user=lead, agency=tym)
    return case


def test_the_plans_lead_sees_the_whole_plan_with_its_forms(personas):
    case = _world()
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
    case = _world()
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
    case = _world()
    lead = assessment_page_build(case=case, rights=_rights(case, "tym-oulu"))
    county = assessment_page_build(case=case, rights=_rights(case, "hva-pohjois"))
    assert lead.template == "plans/assessment.html"
    assert lead.purpose == "assessment"
    assert not lead.completed
    assert lead.logged == {"health", "service_needs"}
    assert county.logged == {"service_needs"}
    # Each agency writes its own part; the summary is the lead's to write.
    assert {row.domain for row in lead.rows if row.own} == {"work_capacity", "education"}
    assert {row.domain for row in county.rows if row.own} == {"housing"}
    assert lead.summary_form is not None
    assert county.summary_form is None
    # Oulun seutu's work-capacity entry is health data the county may not see: the
    # county is shown neither the entry nor the need it suggests an agency for.
    seen = {row.domain for row in county.rows if row.entries}
    assert seen == {"education", "housing"}
    work_capacity = str(Domain.WORK_CAPACITY.label)
    lead_domains = {a.pk: domains for a, _contacts, domains in lead.suggestions}
    county_domains = {a.pk: domains for a, _contacts, domains in county.suggestions}
    assert work_capacity in lead_domains[agency("tym-oulu").pk]
    assert work_capacity not in county_domains[agency("tym-oulu").pk]


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

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import today
from history.models import ChangeRecord, ObjectKind
from plans.models import ActionStatus, EmploymentPlan, PlanAction, PlanGoal, PlanVersion
from plans.services import (
    plan_action_add,
    plan_action_complete,
    plan_goal_add,
    plan_sign_off,
    plan_version_freeze,
)
from referrals.models import LogPurpose, UseLogEntry

from ..factories import agency, demo_people, mikko_planned, user
from .helpers import DAY, mikko, new_case, new_plan, plan_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his assessment and plan."""
    module_world(demo_people)
    module_world(mikko_planned)


# plans/demo.py: two goals; actions of Oulun seutu (two) and of the county (one).
COUNTY_ACTION = "Asumisneuvonnan tapaaminen ja asuntohakemus."
GOAL = "Oma vuokra-asunto Oulusta."


def plan_page(login, username, case=None):
    return login(username).get(reverse("case-plan", args=[(case or mikko()).public_id]))


@pytest.mark.parametrize(
    ("username", "goals", "actions"),
    [
        ("rise.oulu", 2, 3),
        ("tym.oulu", 2, 3),
        ("koordinaattori.oulu", 2, 3),
        # The county has no employment-plan category for Mikko: its own action only.
        ("hva.pohjois", 0, 1),
    ],
)
def test_each_agency_sees_what_its_access_allows(login, username, goals, actions):
    response = plan_page(login, username)
    assert response.status_code == 200
    assert len(response.context["goals"]) == goals
    assert len(response.context["actions"]) == actions
    content = response.content.decode()
    assert COUNTY_ACTION in content
    assert (GOAL in content) is bool(goals)
    assert response.context["hidden_actions"] is (actions < 3)
    # Only the plan's lead (and a coordinator) edits it.
    assert (response.context["action_form"] is not None) is (
        username in {"tym.oulu", "koordinaattori.oulu"}
    )


@pytest.mark.parametrize("username", ["tym.tampere", "kela.pohjoinen", "priima.butti"])
def test_agencies_without_access_get_a_404_on_every_plan_page(login, username):
    case = mikko()
    client = login(username)
    for name, args in (
        ("case-plan", []),
        ("plan-versions", []),
        ("plan-version", [1]),
    ):
        assert client.get(reverse(name, args=[case.public_id, *args])).status_code == 404


def test_the_plan_page_is_use_logged(login):
    plan_page(login, "hva.pohjois")
    entry = UseLogEntry.objects.order_by("-pk").first()
    assert entry.purpose == LogPurpose.PLAN
    assert set(entry.categories) == {"identity", "employment_plan"}
    assert entry.agency == agency("hva-pohjois")


def test_the_county_does_not_see_another_agencys_action_page_or_move_it(login):
    case = mikko()
    tym_action = plan_of(case).actions.filter(owner_agency=agency("tym-oulu")).first()
    response = login("hva.pohjois").post(
        reverse("plan-action-move", args=[case.public_id, tym_action.public_id, "start"])
    )
    assert response.status_code == 404
    tym_action.refresh_from_db()
    assert tym_action.status == ActionStatus.PLANNED


def test_the_owner_agency_moves_its_action_along_named_transitions_only(login):
    case = mikko()
    action = plan_of(case).actions.get(owner_agency=agency("hva-pohjois"))
    county = login("hva.pohjois")

    def move(name):
        return county.post(
            reverse("plan-action-move", args=[case.public_id, action.public_id, name])
        )

    assert move("start").status_code == 302
    assert move("start").status_code == 409  # already in progress
    assert move("fly").status_code == 404
    assert move("complete").status_code == 302
    assert move("cancel").status_code == 409
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert move("reopen").status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    records = ChangeRecord.objects.filter(
        object_kind=ObjectKind.PLAN, object_id=plan_of(case).public_id
    )
    assert records.first().action == "action reopen"
    assert records.first().agency == agency("hva-pohjois")


def test_only_the_lead_or_a_coordinator_starts_and_edits_the_plan(login):
    case = new_case()
    start = reverse("plan-start", args=[case.public_id])
    assert login("rise.oulu").post(start).status_code == 403
    assert not EmploymentPlan.objects.filter(case=case).exists()
    assert login("tym.oulu").post(start).status_code == 302
    plan = EmploymentPlan.objects.get(case=case)
    assert plan.started_on == today()
    # A second click changes nothing.
    assert login("koordinaattori.oulu").post(start).status_code == 302
    assert EmploymentPlan.objects.filter(case=case).count() == 1
    goal = reverse("plan-goal-add", args=[case.public_id])
    assert login("rise.oulu").post(goal, {"goal-text": "Tavoite"}).status_code == 403
    response = login("tym.oulu").post(goal, {"goal-text": "  "})
    assert response.status_code == 400
    assert "text" in response.context["goal_form"].errors
    assert login("tym.oulu").post(goal, {"goal-text": "Tavoite"}).status_code == 302
    assert list(plan.goals.values_list("order", "text")) == [(1, "Tavoite")]
    assert (
        ChangeRecord.objects.filter(object_kind=ObjectKind.PLAN, object_id=plan.public_id).count()
        == 2
    )


def test_adding_an_action_through_the_form(login):
    case = mikko()
    url = reverse("plan-action-add", args=[case.public_id])
    due = (today() + 10 * DAY).isoformat()
    data = {
        "action-text": "Työkokeilu",
        "action-owner_agency": agency("hva-pohjois").pk,
        "action-due_on": due,
    }
    assert login("hva.pohjois").post(url, data).status_code == 403
    response = login("tym.oulu").post(url, data)
    assert response.status_code == 302
    action = PlanAction.objects.get(plan=plan_of(case), text="Työkokeilu")
    assert action.owner_agency == agency("hva-pohjois")
    assert action.created_by == user("tym.oulu")


def test_bad_actions_are_refused_on_their_fields_with_nothing_saved(login):
    case = mikko()
    before = PlanAction.objects.count()
    response = login("tym.oulu").post(
        reverse("plan-action-add", args=[case.public_id]),
        {
            "action-text": "Työkokeilu",
            "action-owner_agency": agency("hva-pohjois").pk,
            "action-due_on": (today() - DAY).isoformat(),
        },
    )
    assert response.status_code == 400
    assert set(response.context["action_form"].errors) == {"due_on"}
    # Kela may not see Mikko: it is not even offered, and the service refuses it too.
    response = login("tym.oulu").post(
        reverse("plan-action-add", args=[case.public_id]),
        {
            "action-text": "Etuudet",
            "action-owner_agency": agency("kela").pk,
            "action-due_on": today().isoformat(),
        },
    )
    assert set(response.context["action_form"].errors) == {"owner_agency"}
    with pytest.raises(ValidationError) as error:
        plan_action_add(
            plan=plan_of(case),
            text=" ",
            owner_agency=agency("kela"),
            due_on=today() + 1000 * DAY,
            origin="x" * 201,
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
        )
    assert set(error.value.message_dict) == {"text", "owner_agency", "due_on", "origin"}
    assert PlanAction.objects.count() == before


def test_plan_action_add_for_the_meetings(login):
    """How the network meeting's minutes add an action item."""
    case = mikko()
    action = plan_action_add(
        plan=plan_of(case),
        text="Kela-hakemus",
        owner_agency=agency("hva-pohjois"),
        due_on=today() + 7 * DAY,
        origin="Verkostopalaveri 4.12.2026",
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
    )
    assert action.origin == "Verkostopalaveri 4.12.2026"
    assert action.status == ActionStatus.PLANNED
    with pytest.raises(PermissionDenied):
        plan_action_add(
            plan=plan_of(case),
            text="Kela-hakemus",
            owner_agency=agency("hva-pohjois"),
            due_on=today() + 7 * DAY,
            origin="",
            user=user("hva.pohjois"),
            agency=agency("hva-pohjois"),
        )


def test_a_version_stays_as_it_was_signed_after_the_plan_changes(login):
    case = mikko()
    plan = plan_of(case)
    v1 = reverse("plan-version", args=[case.public_id, 1])
    before = login("tym.oulu").get(v1)
    first_goals = [g["text"] for g in before.context["view"].goals]
    first_actions = [(a.text, a.status) for a in before.context["view"].actions]
    # Change everything: a goal removed, an action done, a new goal, a new version.
    goal = plan.goals.get(text=GOAL)
    client = login("tym.oulu")
    assert (
        client.post(reverse("plan-goal-remove", args=[case.public_id, goal.pk])).status_code == 302
    )
    action = plan.actions.filter(owner_agency=agency("tym-oulu")).earliest("due_on")
    action.plan = plan
    plan_action_complete(action=action, user=user("tym.oulu"), agency=agency("tym-oulu"))
    plan_goal_add(plan=plan, text="Uusi tavoite", user=user("tym.oulu"), agency=agency("tym-oulu"))
    response = client.post(reverse("plan-version-new", args=[case.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-version", args=[case.public_id, 2])
    after = client.get(v1)
    assert after.status_code == 200
    assert [g["text"] for g in after.context["view"].goals] == first_goals
    assert GOAL in first_goals
    assert [(a.text, a.status) for a in after.context["view"].actions] == first_actions
    assert not after.context["is_newest"]
    v2 = client.get(reverse("plan-version", args=[case.public_id, 2])).context["view"]
    assert [g["text"] for g in v2.goals] == [
        "Työllistyminen hitsaajaksi kuuden kuukauden kuluessa vapautumisesta.",
        "Uusi tavoite",
    ]
    assert "done" in {a.status for a in v2.actions}
    listing = client.get(reverse("plan-versions", args=[case.public_id]))
    assert [v.version.number for v in listing.context["versions"]] == [2, 1]


def test_sign_off_rules(login):
    case = new_case()
    plan = new_plan(case)
    url = reverse("plan-version-new", args=[case.public_id])
    # Nothing to sign without a goal.
    response = login("tym.oulu").post(url)
    assert response.status_code == 400
    assert not PlanVersion.objects.filter(plan=plan).exists()
    tym, rise = agency("tym-oulu"), agency("rise-prison")
    goal = plan_goal_add(plan=plan, text="Työ", user=user("tym.oulu"), agency=tym)
    plan_action_add(
        plan=plan,
        text="Vapautumissuunnitelma",
        owner_agency=rise,
        due_on=today() + 5 * DAY,
        origin="",
        user=user("tym.oulu"),
        agency=tym,
        goal=goal,
    )
    assert login("rise.oulu").post(url).status_code == 403
    assert login("tym.oulu").post(url).status_code == 302
    version = PlanVersion.objects.get(plan=plan, number=1)
    assert [s["id"] for s in version.content["signatories"]] == [tym.pk, rise.pk]
    sign = reverse("plan-sign-off", args=[case.public_id, 1])
    # The county cannot see this client at all; Mikko's Rise unit sees him but signs
    # nothing of his plan's first version (no action of its own in it).
    assert login("hva.pohjois").post(sign).status_code == 404
    mikko_sign = reverse("plan-sign-off", args=[mikko().public_id, 1])
    assert login("rise.oulu").post(mikko_sign).status_code == 403
    assert login("tym.oulu").post(sign).status_code == 302
    assert login("koordinaattori.oulu").post(sign).status_code == 409  # same agency, twice
    plan.refresh_from_db()
    assert plan.reviewed_on is None  # Rise has not signed yet
    assert login("rise.oulu").post(sign).status_code == 302
    plan.refresh_from_db()
    assert plan.reviewed_on == today()
    # A new round supersedes the old one: the old can no longer be signed.
    v2 = plan_version_freeze(plan=plan, user=user("tym.oulu"), agency=tym)
    v1 = PlanVersion.objects.get(plan=plan, number=1)
    v1.plan = plan
    with pytest.raises(ValidationError):
        plan_sign_off(version=v1, user=user("tym.oulu"), agency=tym)
    v2.plan = plan
    with pytest.raises(PermissionDenied):
        plan_sign_off(version=v2, user=user("tym.tampere"), agency=agency("tym-tampere"))
    assert v2.signoffs.count() == 0


def test_a_signatory_signs_off_from_the_version_page(login):
    case = new_case()
    plan = new_plan(case)
    plan_goal_add(plan=plan, text="Työ", user=user("tym.oulu"), agency=agency("tym-oulu"))
    plan_version_freeze(plan=plan, user=user("tym.oulu"), agency=agency("tym-oulu"))
    page = login("tym.oulu").get(reverse("plan-version", args=[case.public_id, 1]))
    assert page.context["may_sign"]
    assert reverse("plan-sign-off", args=[case.public_id, 1]) in page.content.decode()
    rise_page = login("rise.oulu").get(reverse("plan-version", args=[case.public_id, 1]))
    assert not rise_page.context["may_sign"]


def test_the_plan_page_makes_as_many_queries_with_more_goals_and_actions(login):
    case = mikko()
    client = login("tym.oulu")
    url = reverse("case-plan", args=[case.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    plan = plan_of(case)
    goals = PlanGoal.objects.bulk_create(
        PlanGoal(plan=plan, order=10 + i, text=f"Tavoite {i}") for i in range(5)
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan,
            goal=goals[i % 5],
            text=f"Toimenpide {i}",
            owner_agency=agency("hva-pohjois" if i % 2 else "tym-oulu"),
            due_on=today() + i * DAY,
            created_by=user("tym.oulu"),
        )
        for i in range(20)
    )
    plan_version_freeze(plan=plan, user=user("tym.oulu"), agency=agency("tym-oulu"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    version = reverse("plan-version", args=[case.public_id, 2])
    with CaptureQueriesContext(connection) as version_queries:
        assert client.get(version).status_code == 200
    assert len(version_queries) <= len(few)

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.dates import add_months, today
from history.models import ChangeRecord, ObjectKind
from pathways.models import Case
from plans.models import FollowUp, Outcome, OutcomeKind
from plans.services import follow_up_record, outcome_record

from ..factories import agency, demo_people, mikko_planned, user
from .helpers import DAY, mikko, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his assessment and plan."""
    module_world(demo_people)
    module_world(mikko_planned)


def record(case, **fields):
    return outcome_record(case=case, user=user("tym.oulu"), agency=agency("tym-oulu"), **fields)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kind": "employment"}, {"employer_type", "start_date"}),
        ({"kind": "employment", "employer_type": "private"}, {"start_date"}),
        ({"kind": "employment", "start_date": "today"}, {"employer_type"}),
        ({"kind": "education", "hours_per_week": Decimal(0)}, {"hours_per_week"}),
        ({"kind": "education", "hours_per_week": Decimal("80.5")}, {"hours_per_week"}),
        ({"kind": "education", "employer_type": "private"}, {"employer_type"}),
        ({"kind": "lottery"}, {"kind"}),
        ({"kind": "employment", "employer_type": "bank"}, {"employer_type", "start_date"}),
    ],
)
def test_bad_outcomes_are_refused_on_their_fields(fields, errors):
    case = mikko()
    if fields.get("start_date") == "today":
        fields["start_date"] = today()
    with pytest.raises(ValidationError) as error:
        record(case, **fields)
    assert set(error.value.message_dict) == errors
    assert not Outcome.objects.filter(case=case).exists()


def test_an_employment_outcome_is_recorded_and_shown_in_the_plan(login):
    case = mikko()
    client = login("koordinaattori.oulu")
    response = client.post(
        reverse("outcome-new", args=[case.public_id]),
        {
            "kind": "employment",
            "employer_type": "social_enterprise",
            "hours_per_week": "30",
            "start_date": (today() + 80 * DAY).isoformat(),
            "note": "Hitsaaja",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(case=case)
    assert (outcome.kind, outcome.hours_per_week) == (OutcomeKind.EMPLOYMENT, Decimal(30))
    assert outcome.recorded_agency == agency("tym-oulu")
    records = ChangeRecord.objects.filter(object_kind=ObjectKind.CASE, object_id=case.public_id)
    # Newest first: the path's move on the outcome (the 9th stage, Employment), then the outcome.
    path_move, recorded = records[0], records[1]
    assert (recorded.action, recorded.agency) == ("outcome recorded", agency("tym-oulu"))
    assert "Hitsaaja" not in str(recorded.fields)
    assert (path_move.action, path_move.fields) == (
        "path: outcome_recorded",
        ["stages.9.status", "stages.9.ticks"],
    )
    page = client.get(reverse("case-plan", args=[case.public_id]))
    assert page.context["outcomes"] == [outcome]
    # The county does not see the plan's category, so not the outcome either.
    county = login("hva.pohjois").get(reverse("case-plan", args=[case.public_id]))
    assert county.context["outcomes"] == []
    assert "Hitsaaja" not in county.content.decode()


def test_the_form_shows_the_errors_on_the_fields(login):
    case = mikko()
    response = login("tym.oulu").post(
        reverse("outcome-new", args=[case.public_id]),
        {"kind": "employment", "hours_per_week": "120"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"employer_type", "start_date", "hours_per_week"}
    assert not Outcome.objects.filter(case=case).exists()


def test_only_the_plans_editors_record_outcomes():
    for username, key in (("rise.oulu", "rise-prison"), ("hva.pohjois", "hva-pohjois")):
        with pytest.raises(PermissionDenied):
            outcome_record(
                case=mikko(), user=user(username), agency=agency(key), kind=OutcomeKind.NONE
            )


def released(months_ago: int) -> Case:
    """A case whose release was `months_ago` months ago, with an employment outcome."""
    case = new_case()
    Case.objects.filter(pk=case.pk).update(anchor_date=add_months(today(), -months_ago))
    case.refresh_from_db()
    record(
        case,
        kind=OutcomeKind.EMPLOYMENT,
        employer_type="private",
        start_date=case.anchor_date,
        hours_per_week=Decimal("37.5"),
    )
    return case


def follow_up(case, months, **kwargs):
    return follow_up_record(
        case=case,
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        months=months,
        still_holds=True,
        **kwargs,
    )


def test_follow_ups_come_in_their_time_and_once():
    case = released(4)
    follow_up(case, 3)
    with pytest.raises(ValidationError) as twice:
        follow_up(case, 3)
    assert set(twice.value.message_dict) == {"months"}
    with pytest.raises(ValidationError) as early:
        follow_up(case, 6)
    assert set(early.value.message_dict) == {"months"}
    with pytest.raises(ValidationError) as odd:
        follow_up(case, 4)
    assert set(odd.value.message_dict) == {"months"}
    assert list(FollowUp.objects.filter(case=case).values_list("months", flat=True)) == [3]


def test_a_follow_up_needs_an_outcome(login):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(anchor_date=add_months(today(), -12))
    response = login("tym.oulu").post(
        reverse("follow-up-new", args=[case.public_id]), {"months": "3", "still_holds": "yes"}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not FollowUp.objects.filter(case=case).exists()


def test_the_follow_up_form(login):
    case = released(6)
    client = login("tym.oulu")
    url = reverse("follow-up-new", args=[case.public_id])
    page = client.get(url)
    assert [months for months, _day in page.context["open"]] == [3, 6]
    response = client.post(url, {"months": "6", "still_holds": "no", "note": "Loppui"})
    assert response.status_code == 302
    response = client.post(url, {"months": "12", "still_holds": "yes"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"months"}
    follow_ups = FollowUp.objects.filter(case=case)
    assert [(f.months, f.still_holds) for f in follow_ups] == [(6, False)]

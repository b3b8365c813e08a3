"""Whom to invite (from the assessment's needs, else the agencies working with the client)
and the warning when an invitee is already in another meeting at that time."""

from datetime import timedelta

import pytest
from django.utils import translation

from meetings.selectors import conflicts_fingerprint, invitee_suggestions, meeting_conflicts
from meetings.services import InviteeSpec, meeting_cancel
from plans.models import Assessment, Domain
from referrals.selectors import client_access

from ..factories import agency, demo_people, mikko_planned, user
from .calendar_helpers import gathering_make
from .meeting_helpers import local, mikkos_case, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


def by_agency(suggestions):
    return {s.agency.name_fi: s for s in suggestions}


def test_the_assessments_needs_suggest_the_agencies_with_their_contacts():
    # The demo assessment: work capacity and education (employment area), housing,
    # finances and substance use (the wellbeing services county, Kela for finances).
    case = mikkos_case()
    suggestions = by_agency(invitee_suggestions(case=case))
    tym = suggestions[agency("tym-oulu").name_fi]
    assert set(tym.domains) >= {Domain.WORK_CAPACITY, Domain.EDUCATION}
    assert tym.default_person == user("tym.oulu")  # the named Rise contact person
    assert user("tym.oulu") in tym.people
    hva = suggestions[agency("hva-pohjois").name_fi]
    assert Domain.SUBSTANCE_USE in hva.domains
    assert user("hva.pohjois") in hva.people
    with translation.override("en"):
        assert "Substance use" in hva.domain_labels


def test_needs_the_viewer_may_not_see_do_not_count():
    case = mikkos_case()
    # The wellbeing county sees service needs by consent, not health: Oulun seutu's work
    # capacity entry is health data, its education entry a service need.
    access = client_access(agency=agency("hva-pohjois"), client=case.client)
    assert access is not None
    seen = by_agency(invitee_suggestions(case=case, access=access))
    tym = seen[agency("tym-oulu").name_fi]
    assert Domain.EDUCATION in tym.domains
    assert Domain.WORK_CAPACITY not in tym.domains
    assert "health" not in tym.categories


def test_without_an_assessment_the_agencies_already_with_the_client_are_suggested():
    case = mikkos_case()
    Assessment.objects.filter(case=case).delete()
    names = set(by_agency(invitee_suggestions(case=case)))
    assert names == {
        agency("rise-prison").name_fi,  # recorded the client
        agency("tym-oulu").name_fi,  # §28 grant, and the employment area of Oulu
        agency("hva-pohjois").name_fi,  # consent grant
    }
    for suggestion in invitee_suggestions(case=case):
        assert suggestion.domains == []


def test_an_overlapping_meeting_of_an_invitee_is_a_conflict_with_whom_and_when():
    first = schedule(starts_at=local(7, 10), duration_minutes=60)
    conflicts = meeting_conflicts(
        starts_at=local(7, 10, 30),
        ends_at=local(7, 11, 30),
        people=[user("tym.oulu"), user("kela.pohjoinen")],
    )
    assert [(c.person, c.starts_at, c.ends_at) for c in conflicts] == [
        (user("tym.oulu"), first.starts_at, first.starts_at + timedelta(hours=1))
    ]
    # The organiser is busy too.
    assert meeting_conflicts(
        starts_at=local(7, 9, 30), ends_at=local(7, 10, 15), people=[user("koordinaattori.oulu")]
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [((7, 11, 0), (7, 12, 0)), ((7, 9, 0), (7, 10, 0)), ((8, 10, 0), (8, 11, 0))],
)
def test_back_to_back_or_other_days_are_no_conflict(start, end):
    schedule(starts_at=local(7, 10), duration_minutes=60)
    assert not meeting_conflicts(
        starts_at=local(*start), ends_at=local(*end), people=[user("tym.oulu")]
    )


def test_cancelled_meetings_and_the_meeting_itself_are_no_conflict():
    meeting = schedule(starts_at=local(7, 10))
    assert not meeting_conflicts(
        starts_at=local(7, 10), ends_at=local(7, 11), people=[user("tym.oulu")], exclude=meeting
    )
    meeting_cancel(meeting=meeting, user=user("koordinaattori.oulu"), agency=agency("tym-oulu"))
    assert not meeting_conflicts(
        starts_at=local(7, 10), ends_at=local(7, 11), people=[user("tym.oulu")]
    )


def test_a_long_meeting_started_earlier_still_conflicts():
    schedule(
        starts_at=local(7, 8),
        duration_minutes=600,
        invitees=[InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois"))],
    )
    conflicts = meeting_conflicts(
        starts_at=local(7, 17), ends_at=local(7, 17, 30), people=[user("hva.pohjois")]
    )
    assert [c.person for c in conflicts] == [user("hva.pohjois")]
    assert conflicts_fingerprint(conflicts)


def test_a_registered_gathering_is_a_conflict_too():
    from meetings.gatherings.services import registration_create

    gathering = gathering_make(day=local(10).date())
    registration_create(gathering=gathering, user=user("tym.oulu"), agency=agency("tym-oulu"))
    conflicts = meeting_conflicts(
        starts_at=local(10, 13), ends_at=local(10, 15), people=[user("tym.oulu")]
    )
    assert [(c.person, c.starts_at) for c in conflicts] == [(user("tym.oulu"), gathering.starts_at)]

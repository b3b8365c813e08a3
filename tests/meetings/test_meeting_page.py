"""The meeting page and the invitee forms built without HTTP (meetings.page_selectors):
who may manage the meeting, whose answer the page asks for, the agreed actions each
agency may see, and the rows of the invitee form."""

from datetime import timedelta

import pytest
from django.http import QueryDict

from agencies.models import Membership
from core.dates import today
from meetings.forms import MinutesForm
from meetings.models import Meeting, Rsvp
from meetings.page_selectors import MeetingPage, invitee_step_build, meeting_page_build
from meetings.services import (
    InviteeSpec,
    meeting_cancel,
    meeting_minutes_record,
    meeting_schedule,
)
from pathways.cases.selectors import case_for_agency
from pathways.models import Case
from plans.models import PLAN_CATEGORY
from referrals.models import ConsentMethod, LegalBasis
from referrals.services import consent_record, referral_create

from ..factories import agency, basis, categories, demo_people, mikko_planned, user
from ..plans.helpers import new_case
from .meeting_helpers import local

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


CLIENT_EMAIL = "asiakas@example.com"


def _county_consents(case: Case) -> None:
    """The client consents to the wellbeing services county seeing the name and service
    needs, not the plan, and Oulu prison refers the client there (as in the demo)."""
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
        valid_until=today() + timedelta(days=365),
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


def _meeting(case: Case) -> Meeting:
    """Oulun seutu's coordinator invites its contact person, Oulu prison and the county
    (nobody named) and the client by e-mail."""
    _county_consents(case)
    return meeting_schedule(
        case=case,
        organiser=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        title="Aloituspalaveri",
        starts_at=local(),
        duration_minutes=60,
        place="Oulun työllisyyspalvelut",
        video_url="",
        agenda="",
        invitees=[
            InviteeSpec(agency=agency("tym-oulu"), person=user("tym.oulu")),
            InviteeSpec(agency=agency("rise-prison")),
            InviteeSpec(agency=agency("hva-pohjois")),
            InviteeSpec(is_client=True, email=CLIENT_EMAIL),
        ],
    )


def _page(meeting: Meeting, username: str, key: str, **refused: MinutesForm) -> MeetingPage:
    acting = agency(key)
    _case, access = case_for_agency(agency=acting, public_id=meeting.case.public_id)
    role = Membership.objects.get(agency=acting, user__username=username).role
    return meeting_page_build(
        meeting=meeting, access=access, user=user(username), role=role, **refused
    )


def test_the_organisers_coordinator_manages_the_meeting(personas):
    meeting = _meeting(new_case())
    page = _page(meeting, "koordinaattori.oulu", "tym-oulu")
    assert page.may_manage
    assert page.scheduled
    assert page.minutes_form is not None
    assert page.items is not None
    # The items' owners are the meeting's agencies that may see the client.
    owners = page.items.forms[0].fields["owner_agency"].queryset
    assert set(owners) == {agency("tym-oulu"), agency("rise-prison"), agency("hva-pohjois")}
    assert page.mine is None  # the organiser is not an invitee
    assert {i.is_client for i in page.invitees} == {True, False}
    # The client's e-mail is contact data: logged where the agency may see it (the
    # client's recorder), not where it may not (§28 gives Oulun seutu no contact data).
    assert page.logged == ["identity"]
    assert _page(meeting, "rise.oulu", "rise-prison").logged == ["identity", "contact"]
    assert page.ends_at == meeting.starts_at + timedelta(minutes=meeting.duration_minutes)


def test_an_invitee_answers_but_does_not_manage(personas):
    meeting = _meeting(new_case())
    page = _page(meeting, "tym.oulu", "tym-oulu")
    assert not page.may_manage
    assert page.minutes_form is None
    assert page.items is None
    assert page.mine is not None
    assert page.mine.person == user("tym.oulu")
    assert [value for value, _label in page.rsvp_choices] == [
        r.value for r in Rsvp if r != Rsvp.PENDING
    ]
    # The prison was invited without a named person: its people answer that invitation.
    prison = _page(meeting, "rise.oulu", "rise-prison")
    assert prison.mine is not None
    assert prison.mine.agency == agency("rise-prison")
    assert prison.mine.person is None


def test_refused_minutes_keep_their_form_and_a_cancelled_meeting_takes_none(personas):
    meeting = _meeting(new_case())
    posted = MinutesForm({"minutes": "Käytiin läpi tilanne.", "decisions": ""})
    page = _page(meeting, "koordinaattori.oulu", "tym-oulu", minutes_form=posted)
    assert page.minutes_form is posted
    meeting_cancel(meeting=meeting, user=user("koordinaattori.oulu"), agency=agency("tym-oulu"))
    meeting.refresh_from_db()
    cancelled = _page(meeting, "koordinaattori.oulu", "tym-oulu")
    assert cancelled.may_manage
    assert not cancelled.scheduled
    assert cancelled.minutes_form is None
    assert cancelled.items is None
    assert _page(meeting, "tym.oulu", "tym-oulu").mine is None


def test_agreed_actions_are_shown_as_the_plan_shows_them(personas):
    case = new_case()
    meeting = _meeting(case)
    meeting_minutes_record(
        meeting=meeting,
        minutes="Sovittiin työnhausta.",
        decisions="",
        action_items=[
            ("Työnhakuun ilmoittautuminen", agency("tym-oulu"), today() + timedelta(days=14)),
            ("Asumisneuvonta", agency("hva-pohjois"), today() + timedelta(days=7)),
        ],
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
    )
    lead = _page(meeting, "tym.oulu", "tym-oulu")
    assert sorted(item.text for item in lead.action_items) == [
        "Asumisneuvonta",
        "Työnhakuun ilmoittautuminen",
    ]
    assert lead.items_withheld == 0
    prison = _page(meeting, "rise.oulu", "rise-prison")
    assert prison.logged == ["identity", "contact", PLAN_CATEGORY]
    # The county has no plan category for this client: its own action only.
    county = _page(meeting, "hva.pohjois", "hva-pohjois")
    assert [item.text for item in county.action_items] == ["Asumisneuvonta"]
    assert county.items_withheld == 1
    assert county.withheld_reason
    # Nor is its own action logged as plan data: the county has no such category.
    assert county.logged == ["identity"]


def _access(case: Case, key: str = "tym-oulu"):
    _case, access = case_for_agency(agency=agency(key), public_id=case.public_id)
    return access


def test_scheduling_starts_tomorrow_with_the_suggested_agencies(personas):
    case = new_case()
    step = invitee_step_build(case=case, access=_access(case), data=None)
    assert not step.submitted
    assert step.details is not None
    assert step.details.initial["date"] == today() + timedelta(days=1)
    assert not step.invitees.is_bound
    assert "client" in step.invitees.fields
    agencies = [row.agency for row, _invite, _person in step.invitees.row_fields()]
    assert agency("tym-oulu") in agencies
    assert step.logged[0] == "identity"


def test_adding_an_agency_is_not_a_submission_and_ticks_the_added_row(personas):
    case = new_case()
    county = agency("hva-pohjois")
    data = QueryDict(mutable=True)
    data.update({"action": "add", "add_agency": str(county.pk), "title": "Aloitus"})
    step = invitee_step_build(case=case, access=_access(case), data=data)
    assert not step.submitted
    assert not step.invitees.is_bound
    assert step.invitees.initial[f"invite_{county.pk}"] is True
    assert step.details is not None
    assert step.details.initial["title"] == "Aloitus"
    assert str(county.pk) in step.invitees.fields["added"].initial.split(",")


def test_inviting_more_leaves_out_those_invited_and_the_client_once_invited(personas):
    case = new_case()
    meeting = _meeting(case)
    data = QueryDict(mutable=True)
    data.update({"action": "invite"})
    step = invitee_step_build(case=case, access=_access(case), data=data, meeting=meeting)
    assert step.submitted
    assert step.details is None
    assert len(step.current) == 4
    agencies = {row.agency for row, _invite, _person in step.invitees.row_fields()}
    # The prison and the county were invited as agencies; Oulun seutu only through its
    # person, and it is still offered.
    assert agency("rise-prison") not in agencies
    assert agency("hva-pohjois") not in agencies
    assert agency("tym-oulu") in agencies
    assert "client" not in step.invitees.fields
    assert all(
        not field.initial
        for name, field in step.invitees.fields.items()
        if name.startswith("invite_")
    )

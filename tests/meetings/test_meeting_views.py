"""The meeting pages: scheduling from the case page with errors on their fields, the
conflict warning, the meeting page and who may open it, answers, minutes, changes, the
invitees and the .ics download."""

from datetime import date, time, timedelta
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from icalendar import Calendar

from core.dates import today
from meetings.models import ActionItem, EventStatus, Meeting, Rsvp
from referrals.models import AccessGrant, ConsentMethod, LogPurpose, UseLogEntry
from referrals.services import consent_record, grants_revoke

from ..factories import agency, categories, demo_people, mikko_planned, user
from .meeting_helpers import local, mikkos_case, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


def _value(field: forms.Field, value: Any) -> str | None:
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, date | time):
        return value.isoformat()[:5] if isinstance(value, time) else value.isoformat()
    return str(value)


def form_data(response, **changes: Any) -> dict[str, str]:
    """What the browser would post back from the page as shown, with `changes`."""
    data: dict[str, str] = {"action": "save"}
    for name in ("details", "invitees"):
        form = response.context.get(name)
        if form is None:
            continue
        for field_name, field in form.fields.items():
            value = _value(field, form[field_name].value())
            if value is not None:
                data[field_name] = value
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def new_url() -> str:
    return reverse("meeting-new", args=[mikkos_case().public_id])


def test_the_case_page_lists_the_meetings_and_offers_scheduling_to_coordinators(login):
    meeting = schedule()
    case_url = reverse("case-detail", args=[mikkos_case().public_id])
    page = login("koordinaattori.oulu").get(case_url).content.decode()
    assert new_url() in page
    assert reverse("meeting-detail", args=[meeting.public_id]) in page
    for username in ("tym.oulu", "hva.pohjois"):
        page = login(username).get(case_url).content.decode()
        assert new_url() not in page
        assert reverse("meeting-detail", args=[meeting.public_id]) in page
    # Oulu prison works with Mikko but was not invited: the meeting is not listed for it.
    page = login("rise.oulu").get(case_url).content.decode()
    assert reverse("meeting-detail", args=[meeting.public_id]) not in page


def test_a_coordinator_schedules_a_meeting_with_the_suggested_invitees(login):
    client = login("koordinaattori.oulu")
    response = client.get(new_url())
    assert response.status_code == 200
    invitees = response.context["invitees"]
    rows = {row.agency.pk: row for row in invitees.rows}
    tym, hva, kela = agency("tym-oulu"), agency("hva-pohjois"), agency("kela")
    assert invitees[f"invite_{tym.pk}"].value() is True
    assert invitees[f"person_{tym.pk}"].value() == str(user("tym.oulu").pk)
    assert invitees[f"invite_{hva.pk}"].value() is True
    # Kela is suggested by the finances need but has neither grant nor consent: unticked.
    assert rows[kela.pk].attend is None
    assert invitees[f"invite_{kela.pk}"].value() is False
    data = form_data(
        response, title="Aloituspalaveri", place="Neuvotteluhuone 2", **{f"person_{hva.pk}": ""}
    )
    data[f"person_{hva.pk}"] = str(user("hva.pohjois").pk)
    response = client.post(new_url(), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting-detail", args=[meeting.public_id])
    assert meeting.starts_at == local(1, 10)
    assert meeting.duration_minutes == 60
    assert {(i.agency, i.person) for i in meeting.invitees.all()} == {
        (tym, user("tym.oulu")),
        (hva, user("hva.pohjois")),
    }
    assert UseLogEntry.objects.filter(
        user=user("koordinaattori.oulu"), purpose=LogPurpose.MEETING, client=mikkos_case().client
    ).exists()


@pytest.mark.parametrize(
    ("changes", "form_name", "field"),
    [
        ({"date": (today() - timedelta(days=1)).isoformat()}, "details", "starts_at"),
        ({"starts_at": "11:00", "ends_at": "10:30"}, "details", "ends_at"),
        ({"starts_at": "11:00", "ends_at": "11:00"}, "details", "ends_at"),
        ({"place": "", "video_url": ""}, "details", "place"),
        ({"video_url": "not a link"}, "details", "video_url"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(login, changes, form_name, field):
    client = login("koordinaattori.oulu")
    data = form_data(client.get(new_url()), title="Palaveri", place="Huone 1")
    data.update(changes)
    response = client.post(new_url(), data)
    assert response.status_code == 200
    assert field in response.context[form_name].errors
    assert not Meeting.objects.exists()


def test_an_agency_without_access_or_consent_is_refused_on_its_row(login):
    client = login("koordinaattori.oulu")
    kela = agency("kela")
    data = form_data(client.get(new_url()), title="Palaveri", place="Huone 1")
    data[f"invite_{kela.pk}"] = "on"
    response = client.post(new_url(), data)
    assert response.status_code == 200
    assert f"invite_{kela.pk}" in response.context["invitees"].errors
    assert not Meeting.objects.exists()


def test_another_agency_is_added_to_the_list_without_errors_and_with_consent_it_is_invited(
    login,
):
    priima = agency("priima")
    consent_record(
        client=mikkos_case().client,
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=priima,
        recipient_kind="",
        categories=categories("identity"),
        given_on=today(),
        method=ConsentMethod.WRITTEN,
        valid_until=None,
    )
    client = login("koordinaattori.oulu")
    data = form_data(client.get(new_url()), title="Palaveri", place="Huone 1")
    data.update({"action": "add", "add_agency": str(priima.pk)})
    response = client.post(new_url(), data)
    assert response.status_code == 200
    assert not response.context["details"].errors
    invitees = response.context["invitees"]
    assert priima.pk in {row.agency.pk for row in invitees.rows}
    assert invitees[f"invite_{priima.pk}"].value() is True
    assert str(priima.pk) in invitees["added"].value()
    response = client.post(new_url(), form_data(response))
    assert response.status_code == 302
    assert Meeting.objects.get().invitees.filter(agency=priima).exists()


def test_an_overlapping_meeting_is_a_warning_that_can_be_passed(login):
    schedule(starts_at=local(1, 10), duration_minutes=60)
    client = login("koordinaattori.oulu")
    data = form_data(client.get(new_url()), title="Toinen palaveri", place="Huone 3")
    response = client.post(new_url(), data)
    assert response.status_code == 200
    conflicts = response.context["conflicts"]
    assert {c.person.username for c in conflicts} >= {"tym.oulu", "koordinaattori.oulu"}
    assert Meeting.objects.count() == 1
    page = response.content.decode()
    assert "Tiina Toivonen" in page
    response = client.post(new_url(), form_data(response))
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


def test_only_coordinators_schedule(login):
    assert login("tym.oulu").get(new_url()).status_code == 403
    assert login("tym.tampere").get(new_url()).status_code == 404
    assert login("tietosuoja").get(new_url()).status_code == 403


# The meeting page ---------------------------------------------------------------------


def test_the_meeting_page_is_for_the_parties_while_they_may_see_the_client(login):
    meeting = schedule()
    url = reverse("meeting-detail", args=[meeting.public_id])
    for username in ("koordinaattori.oulu", "tym.oulu", "hva.pohjois"):
        assert login(username).get(url).status_code == 200, username
    for username in ("rise.oulu", "tym.tampere", "kela.pohjoinen", "priima.butti"):
        assert login(username).get(url).status_code == 404, username
    assert login("tietosuoja").get(url).status_code == 403
    page = login("hva.pohjois").get(url)
    assert UseLogEntry.objects.filter(
        user=user("hva.pohjois"), purpose=LogPurpose.MEETING, path=url
    ).exists()
    assert page.context["mine"].person == user("hva.pohjois")
    grants_revoke(grants=AccessGrant.objects.filter(agency=agency("hva-pohjois")), reason="testi")
    assert login("hva.pohjois").get(url).status_code == 404


def test_invitees_answer_on_the_meeting_page(login):
    meeting = schedule()
    url = reverse("meeting-rsvp", args=[meeting.public_id])
    response = login("tym.oulu").post(url, {"rsvp": Rsvp.ACCEPTED})
    assert response.status_code == 302
    assert meeting.invitees.get(person=user("tym.oulu")).rsvp == Rsvp.ACCEPTED
    login("hva.pohjois").post(url, {"rsvp": Rsvp.DECLINED})
    assert meeting.invitees.get(person=user("hva.pohjois")).rsvp == Rsvp.DECLINED
    assert meeting.invitees.get(person=user("tym.oulu")).rsvp == Rsvp.ACCEPTED
    assert login("koordinaattori.oulu").post(url, {"rsvp": Rsvp.ACCEPTED}).status_code == 403
    assert login("tym.oulu").get(url).status_code == 405


def test_minutes_with_actions_reach_the_plan_page(login):
    meeting = schedule()
    client = login("koordinaattori.oulu")
    due = today() + timedelta(days=10)
    data = {
        "minutes": "Käytiin läpi tilanne.",
        "decisions": "Työkokeilu alkaa.",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-0-text": "Työkokeilupaikan haku",
        "items-0-owner_agency": str(agency("tym-oulu").pk),
        "items-0-due_on": due.isoformat(),
    }
    url = reverse("meeting-minutes", args=[meeting.public_id])
    response = client.post(url, {**data, "items-1-text": "Puuttuu päivä"})
    assert response.status_code == 400
    assert "due_on" in response.context["items"].forms[1].errors
    assert "owner_agency" in response.context["items"].forms[1].errors
    assert not ActionItem.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.plan_action is not None
    plan_page = client.get(reverse("case-plan", args=[mikkos_case().public_id]))
    assert "Työkokeilupaikan haku" in plan_page.content.decode()
    meeting_page = client.get(reverse("meeting-detail", args=[meeting.public_id]))
    assert "Työkokeilupaikan haku" in meeting_page.content.decode()
    assert login("tym.oulu").post(url, data).status_code == 403


def test_the_organiser_changes_and_cancels(login):
    meeting = schedule()
    client = login("koordinaattori.oulu")
    edit = reverse("meeting-edit", args=[meeting.public_id])
    response = client.get(edit)
    assert response.status_code == 200
    data = form_data(response, starts_at="14:00", ends_at="15:30")
    assert client.post(edit, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.duration_minutes) == (1, 90)
    assert login("tym.oulu").get(edit).status_code == 403
    cancel = reverse("meeting-cancel", args=[meeting.public_id])
    assert client.get(cancel).status_code == 405
    assert login("hva.pohjois").post(cancel).status_code == 403
    assert client.post(cancel).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (EventStatus.CANCELLED, 2)
    assert client.get(edit).status_code == 403


def test_the_organiser_invites_more_and_removes(login):
    meeting = schedule(invitees=[])
    client = login("koordinaattori.oulu")
    url = reverse("meeting-invitees", args=[meeting.public_id])
    response = client.get(url)
    assert response.status_code == 200
    hva = agency("hva-pohjois")
    data = form_data(response, client="on", client_email="mikko@example.org")
    data[f"invite_{hva.pk}"] = "on"
    assert client.post(url, data).status_code == 302
    assert meeting.invitees.filter(agency=hva).exists()
    assert meeting.invitees.filter(is_client=True, email="mikko@example.org").exists()
    invitee = meeting.invitees.get(agency=hva)
    remove = reverse("meeting-invitee-remove", args=[meeting.public_id, invitee.public_id])
    assert login("tym.oulu").post(remove).status_code == 403
    assert client.post(remove).status_code == 302
    assert not meeting.invitees.filter(agency=hva).exists()


def test_the_ics_download_is_the_meeting_without_client_data(login):
    meeting = schedule()
    response = login("hva.pohjois").get(reverse("meeting-ics", args=[meeting.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    text = response.content.decode()
    client = mikkos_case().client
    assert client.last_name not in text
    assert client.first_name not in text
    assert (
        login("rise.oulu").get(reverse("meeting-ics", args=[meeting.public_id])).status_code == 404
    )

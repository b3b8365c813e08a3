"""The invitation e-mails: sent once per invitee and sequence with the .ics attached
(text/calendar; method=REQUEST or CANCEL), parseable, and with no client data."""

from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from agencies.models import EmailDelivery
from meetings.services import (
    InviteeSpec,
    invitee_add,
    invitee_remove,
    meeting_cancel,
    meeting_update,
)
from meetings.tasks import invitation_cancel_send, invitations_send

from ..factories import agency, user
from .meeting_helpers import default_invitees, details_of, local, mikkos_case, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


def network_meeting() -> str:
    with translation.override("fi"):
        return gettext("Network meeting")


def coordinator() -> dict[str, Any]:
    return {"user": user("koordinaattori.oulu"), "agency": agency("tym-oulu")}


def calendar_part(message: mail.EmailMessage):
    parts = [
        part for part in message.message().walk() if part.get_content_type() == "text/calendar"
    ]
    assert len(parts) == 1
    return parts[0]


def event_of(message: mail.EmailMessage):
    part = calendar_part(message)
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    return calendar, event


def client_words() -> list[str]:
    client = mikkos_case().client
    return [client.first_name, client.last_name, "Mäkinen"]


def assert_no_client_data(message: mail.EmailMessage) -> None:
    raw = message.message().as_bytes().decode("utf-8", "replace")
    text = (
        str(message.subject)
        + str(message.body)
        + calendar_part(message).get_payload(decode=True).decode()
    )
    for word in client_words():
        assert word not in text
        assert word not in raw


def test_each_invitee_gets_one_invitation_with_the_ics():
    meeting = schedule(title="Aloitus, osa 1; tärkeä")
    mail.outbox.clear()
    assert invitations_send(meeting.pk, 0) == 2
    assert invitations_send(meeting.pk, 0) == 0  # a retry or a second run sends nothing
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hva.pohjois@demo.polku.invalid",
        "tym.oulu@demo.polku.invalid",
    ]
    for message in mail.outbox:
        part = calendar_part(message)
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "invite.ics"
        assert "attachment" in part.get("Content-Disposition")
        calendar, event = event_of(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == meeting.uid
        assert int(event["SEQUENCE"]) == 0
        # "Verkostopalaveri: …" once the translations are compiled.
        assert str(event["SUMMARY"]) == f"{network_meeting()}: Aloitus, osa 1; tärkeä"
        assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
        assert str(event["URL"]).endswith(f"/meetings/{meeting.public_id}/")
        assert str(event["ORGANIZER"]) == "mailto:koordinaattori.oulu@demo.polku.invalid"
        assert {str(a) for a in event["ATTENDEE"]} == {
            "mailto:tym.oulu@demo.polku.invalid",
            "mailto:hva.pohjois@demo.polku.invalid",
        }
        assert message.reply_to == ["koordinaattori.oulu@demo.polku.invalid"]
        assert f"/meetings/{meeting.public_id}/" in message.body
        assert_no_client_data(message)


def test_an_update_is_sent_again_with_the_same_uid_and_the_next_sequence():
    meeting = schedule()
    invitations_send(meeting.pk, 0)
    mail.outbox.clear()
    meeting = meeting_update(
        meeting=meeting, **coordinator(), **details_of(meeting, starts_at=local(9, 14))
    )
    assert invitations_send(meeting.pk, 0) == 0  # the older task: the newer one sends
    assert invitations_send(meeting.pk, 1) == 2
    for message in mail.outbox:
        calendar, event = event_of(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, 1)
        assert event.decoded("DTSTART") == local(9, 14)
        assert_no_client_data(message)


def test_a_cancellation_is_sent_as_cancel():
    meeting = schedule()
    invitations_send(meeting.pk, 0)
    mail.outbox.clear()
    meeting = meeting_cancel(meeting=meeting, **coordinator())
    assert invitations_send(meeting.pk, 1) == 2
    assert invitations_send(meeting.pk, 1) == 0
    for message in mail.outbox:
        assert calendar_part(message).get_param("method") == "CANCEL"
        calendar, event = event_of(message)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1
        assert_no_client_data(message)


def test_a_new_invitee_gets_the_current_sequence_and_the_others_nothing_new():
    meeting = schedule(invitees=default_invitees()[:1])
    invitations_send(meeting.pk, 0)
    mail.outbox.clear()
    invitee_add(
        meeting=meeting,
        **coordinator(),
        invitees=[InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois"))],
    )
    assert invitations_send(meeting.pk, 0) == 1
    assert mail.outbox[0].to == ["hva.pohjois@demo.polku.invalid"]


def test_the_client_gets_a_calendar_of_their_own_without_the_staff():
    meeting = schedule(
        invitees=[*default_invitees(), InviteeSpec(is_client=True, email="asiakas@example.org")]
    )
    mail.outbox.clear()
    assert invitations_send(meeting.pk, 0) == 3
    [to_client] = [m for m in mail.outbox if m.to == ["asiakas@example.org"]]
    _calendar, event = event_of(to_client)
    assert str(event["ATTENDEE"]) == "mailto:asiakas@example.org"
    assert "URL" not in event
    assert "/meetings/" not in to_client.body
    for message in mail.outbox:
        if message is not to_client:
            _calendar, event = event_of(message)
            assert "asiakas@example.org" not in {str(a) for a in event["ATTENDEE"]}
            assert "asiakas@example.org" not in message.message().as_string()


def test_nobody_who_turned_e_mail_off_is_e_mailed():
    hva = user("hva.pohjois")
    hva.email_delivery = EmailDelivery.OFF
    hva.save()
    meeting = schedule()
    mail.outbox.clear()
    assert invitations_send(meeting.pk, 0) == 1
    assert mail.outbox[0].to == ["tym.oulu@demo.polku.invalid"]


def test_a_removed_invitee_gets_one_cancellation():
    meeting = schedule()
    hva = meeting.invitees.get(person=user("hva.pohjois"))
    invitee_remove(invitee=hva, **coordinator())
    mail.outbox.clear()
    args = (meeting.pk, 0, str(hva.public_id), "Hanna Heikkinen", "hva.pohjois@demo.polku.invalid")
    assert invitation_cancel_send(*args)
    assert not invitation_cancel_send(*args)
    [message] = mail.outbox
    calendar, event = event_of(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["ATTENDEE"]) == "mailto:hva.pohjois@demo.polku.invalid"
    assert str(event["UID"]) == meeting.uid
    assert_no_client_data(message)


def test_a_missing_meeting_sends_nothing():
    assert invitations_send(999_999, 0) == 0
    assert not mail.outbox


def test_no_invitation_goes_out_for_a_meeting_already_over():
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Meeting

    meeting = schedule(title="Aloitus")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=1))
    mail.outbox.clear()
    assert invitations_send(meeting.pk, 0) == 0
    assert mail.outbox == []

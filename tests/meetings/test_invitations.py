"""The invitation e-mails: written to the outbox once per invitee and sequence with the
.ics attached (text/calendar; method=REQUEST or CANCEL), parseable, with a stable
Message-ID, and with no client data."""

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
from notifications.models import OutboxMessage, OutboxStatus

from ..factories import agency, demo_people, mikko_planned, user
from ..notifications.outbox_helpers import outbox_deliver
from .meeting_helpers import default_invitees, details_of, local, mikkos_case, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


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


def sent() -> int:
    """Deliver the outbox as the worker would; how many went out."""
    return outbox_deliver().count(OutboxStatus.SENT)


def test_each_invitee_gets_one_invitation_with_the_ics():
    meeting = schedule(title="Aloitus, osa 1; tärkeä")
    mail.outbox.clear()
    assert sent() == 2
    assert sent() == 0  # a second run sends nothing
    # Writing the same sequence again (a retried task) adds nothing.
    assert invitations_send(meeting.pk, 0) == 0
    assert sent() == 0
    ids = dict(OutboxMessage.objects.values_list("to", "message_id"))
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
        assert message.extra_headers["Message-ID"] == ids[message.to[0]]
        assert message.message()["Message-ID"] == ids[message.to[0]]
        assert f"/meetings/{meeting.public_id}/" in message.body
        assert_no_client_data(message)


def test_an_update_is_sent_again_with_the_same_uid_and_the_next_sequence():
    meeting = schedule()
    sent()
    mail.outbox.clear()
    meeting = meeting_update(
        meeting=meeting, **coordinator(), **details_of(meeting, starts_at=local(9, 14))
    )
    assert invitations_send(meeting.pk, 0) == 0  # a task for the older sequence: nothing
    assert sent() == 2
    for message in mail.outbox:
        calendar, event = event_of(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, 1)
        assert event.decoded("DTSTART") == local(9, 14)
        assert_no_client_data(message)


def test_an_invitation_still_waiting_is_replaced_by_the_newer_one():
    meeting = schedule()
    meeting = meeting_update(
        meeting=meeting, **coordinator(), **details_of(meeting, starts_at=local(9, 14))
    )
    mail.outbox.clear()
    assert sent() == 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.DROPPED).count() == 2
    for message in mail.outbox:
        _calendar, event = event_of(message)
        assert int(event["SEQUENCE"]) == 1
        # Nobody had the first one: this is their invitation, not a change.
        with translation.override("fi"):
            lead = gettext("%(agency)s invites you to a network meeting.")
        assert lead % {"agency": meeting.organiser_agency.name} in message.body


def test_a_cancellation_is_sent_as_cancel():
    meeting = schedule()
    sent()
    mail.outbox.clear()
    meeting = meeting_cancel(meeting=meeting, **coordinator())
    assert sent() == 2
    assert sent() == 0
    for message in mail.outbox:
        assert calendar_part(message).get_param("method") == "CANCEL"
        calendar, event = event_of(message)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1
        assert_no_client_data(message)


def test_a_new_invitee_gets_the_current_sequence_and_the_others_nothing_new():
    meeting = schedule(invitees=default_invitees()[:1])
    sent()
    mail.outbox.clear()
    invitee_add(
        meeting=meeting,
        **coordinator(),
        invitees=[InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois"))],
    )
    assert sent() == 1
    assert mail.outbox[0].to == ["hva.pohjois@demo.polku.invalid"]


def test_the_client_gets_a_calendar_of_their_own_without_the_staff():
    schedule(
        invitees=[*default_invitees(), InviteeSpec(is_client=True, email="asiakas@example.org")]
    )
    mail.outbox.clear()
    assert sent() == 3
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
    schedule()
    mail.outbox.clear()
    assert sent() == 1
    assert mail.outbox[0].to == ["tym.oulu@demo.polku.invalid"]


def test_a_removed_invitee_gets_one_cancellation():
    meeting = schedule()
    sent()
    hva = meeting.invitees.get(person=user("hva.pohjois"))
    invitee_remove(invitee=hva, **coordinator())
    mail.outbox.clear()
    # A task queued before the outbox writes the same row: nothing more.
    args = (meeting.pk, 0, str(hva.public_id), "Hanna Heikkinen", "hva.pohjois@demo.polku.invalid")
    assert not invitation_cancel_send(*args)
    assert sent() == 1
    assert sent() == 0
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

    import time_machine

    from meetings.selectors import meeting_ends_at

    meeting = schedule(title="Aloitus")
    mail.outbox.clear()
    # The outbox was not delivered before the meeting ended (a long outage).
    with time_machine.travel(meeting_ends_at(meeting) + timedelta(minutes=1)):
        assert outbox_deliver() == [OutboxStatus.DROPPED, OutboxStatus.DROPPED]
    assert mail.outbox == []

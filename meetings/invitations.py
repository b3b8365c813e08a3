"""Invitation e-mails with the .ics attached, written to the e-mail outbox
(notifications.outbox) in the transaction of the meeting's change.

Each (invitee, sequence) is one outbox row, unique on its key, so writing it twice sends
it once; a newer sequence makes the invitee's older messages still waiting outdated. The
e-mails carry no client data: the organising agency, the time, the place or video link
and a link to Polku.
"""

from dataclasses import replace
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.formats import date_text
from meetings.ical import METHOD_CANCEL, METHOD_REQUEST, event_calendar
from meetings.models import EventStatus, Invitee, Meeting
from meetings.selectors import (
    invitee_address,
    meeting_ends_at,
    meeting_event_spec,
    meeting_invitees,
    meeting_url,
)
from notifications.models import OutboxKind, OutboxMessage, OutboxStatus
from notifications.outbox import Mail, outbox_add

FILENAME = "invite.ics"


def _when(meeting: Meeting) -> dict[str, str]:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting_ends_at(meeting))
    return {
        "date": date_text(start),
        "time": start.strftime("%H.%M"),
        "end": end.strftime("%H.%M"),
    }


def _subject(*, method: str, first: bool, when: dict[str, str]) -> str:
    if method == METHOD_CANCEL:
        text = gettext("Polku: the network meeting on %(date)s at %(time)s was cancelled")
    elif first:
        text = gettext("Polku: invitation to a network meeting on %(date)s at %(time)s")
    else:
        text = gettext("Polku: a network meeting was changed (%(date)s at %(time)s)")
    return text % when


def _body(*, meeting: Meeting, method: str, first: bool, for_client: bool) -> str:
    when = _when(meeting)
    agency = meeting.organiser_agency.name
    if method == METHOD_CANCEL:
        lead = gettext("%(agency)s has cancelled the network meeting.") % {"agency": agency}
    elif first:
        lead = gettext("%(agency)s invites you to a network meeting.") % {"agency": agency}
    else:
        lead = gettext("%(agency)s has changed the network meeting.") % {"agency": agency}
    lines = [lead, "", gettext("Time: %(date)s %(time)s–%(end)s") % when]
    if meeting.place:
        lines.append(gettext("Place: %(place)s") % {"place": meeting.place})
    if meeting.video_url:
        lines.append(gettext("Video link: %(url)s") % {"url": meeting.video_url})
    if not for_client:
        lines += ["", gettext("The meeting in Polku: %(url)s") % {"url": meeting_url(meeting)}]
    lines += ["", gettext("The calendar invitation is attached.")]
    return "\n".join(lines)


def _calendar_part(ics: bytes, method: str) -> MIMEText:
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.set_param("name", FILENAME)
    part.add_header("Content-Disposition", "attachment", filename=FILENAME)
    return part


def _message(
    *, meeting: Meeting, method: str, first: bool, for_client: bool, email: str, ics: bytes
) -> EmailMessage:
    message = EmailMessage(
        subject=_subject(method=method, first=first, when=_when(meeting)),
        body=_body(meeting=meeting, method=method, first=first, for_client=for_client),
        to=[email],
        reply_to=[meeting.organiser.email] if meeting.organiser.email else None,
    )
    message.attach(_calendar_part(ics, method))
    return message


def _language(invitee: Invitee, meeting: Meeting) -> str:
    if invitee.is_client:
        return meeting.case.client.service_language or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def _thread(meeting: Meeting, invitee_key: str) -> str:
    return f"invitation:{meeting.public_id}:{invitee_key}"


def _mail(
    *,
    key: str,
    thread: str,
    order: int,
    meeting: Meeting,
    message: EmailMessage,
    method: str,
    ics: bytes,
) -> Mail:
    return Mail(
        key=key,
        kind=OutboxKind.INVITATION,
        to=message.to[0],
        subject=str(message.subject),
        body=str(message.body),
        reply_to=message.reply_to[0] if message.reply_to else "",
        calendar=ics.decode(),
        calendar_method=method,
        thread=thread,
        thread_order=order,
        # An invitation to the past helps nobody.
        discard_after=meeting_ends_at(meeting),
    )


def meeting_invitations_queue(*, meeting: Meeting) -> int:
    """Write to the outbox, in the caller's transaction, the meeting's invitation (or
    cancellation) of its current sequence for every invitee with an address who has not
    had it; returns how many were written. Each replaces the invitee's older messages still
    waiting: the newer one carries the current state."""
    sequence = meeting.sequence
    method = METHOD_CANCEL if meeting.status == EventStatus.CANCELLED else METHOD_REQUEST
    invitees = meeting_invitees(meeting=meeting)
    calendars: dict[bool, bytes] = {}
    mails: list[Mail] = []
    for invitee in invitees:
        _name, email = invitee_address(invitee)
        if not email:
            continue
        for_client = invitee.is_client
        if for_client not in calendars:
            spec = meeting_event_spec(meeting=meeting, for_client=for_client, invitees=invitees)
            calendars[for_client] = event_calendar(events=[spec], method=method)
        invitee_key = str(invitee.public_id)
        thread = _thread(meeting, invitee_key)
        first = not OutboxMessage.objects.filter(
            thread=thread, status__in=[OutboxStatus.SENT, OutboxStatus.SENDING]
        ).exists()
        with translation.override(_language(invitee, meeting)):
            message = _message(
                meeting=meeting,
                method=method,
                first=first,
                for_client=for_client,
                email=email,
                ics=calendars[for_client],
            )
        mails.append(
            _mail(
                key=f"{thread}:{sequence}",
                thread=thread,
                order=2 * sequence,
                meeting=meeting,
                message=message,
                method=method,
                ics=calendars[for_client],
            )
        )
    return len(outbox_add(mails=mails))


def invitation_removed_queue(*, meeting: Meeting, invitee_key: str, name: str, email: str) -> int:
    """Write to the outbox, in the caller's transaction, the CANCEL for one removed invitee
    (naming only them, with the meeting's UID, without the Polku link they may no longer
    open). It replaces their invitation if that is still waiting."""
    spec = replace(
        meeting_event_spec(meeting=meeting, for_client=True, invitees=[]),
        attendees=[(name, email, "NEEDS-ACTION")],
    )
    ics = event_calendar(events=[spec], method=METHOD_CANCEL)
    thread = _thread(meeting, invitee_key)
    with translation.override(settings.LANGUAGE_CODE):
        message = _message(
            meeting=meeting,
            method=METHOD_CANCEL,
            first=False,
            for_client=True,
            email=email,
            ics=ics,
        )
    mail = _mail(
        key=f"{thread}:{meeting.sequence}:removed",
        thread=thread,
        order=2 * meeting.sequence + 1,
        meeting=meeting,
        message=message,
        method=METHOD_CANCEL,
        ics=ics,
    )
    return len(outbox_add(mails=[mail]))

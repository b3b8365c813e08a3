"""Invitation e-mails with the .ics attached, sent by the tasks in meetings.tasks.

Each (invitee, sequence) is sent once: a claim row (notifications.ReminderClaim, unique
on kind, subject and day) is taken in the transaction that sends the message, so a task
that is retried or runs twice skips what already went, and a failed send rolls its claim
back for the retry. The e-mails carry no client data: the organising agency, the time,
the place or video link and a link to Polku.
"""

import hashlib
import uuid
from dataclasses import replace
from datetime import date, timedelta
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from meetings.ical import METHOD_CANCEL, METHOD_REQUEST, event_calendar
from meetings.models import EventStatus, Invitee, Meeting
from meetings.selectors import (
    invitee_address,
    meeting_ends_at,
    meeting_event_spec,
    meeting_invitees,
    meeting_url,
)
from notifications.models import NotificationKind, ReminderClaim

FILENAME = "invite.ics"


def _claim_subject(invitee_key: str, sequence: int, suffix: str = "") -> str:
    subject = f"{invitee_key}:{sequence}{suffix}"
    if len(subject) > 100:  # the claim's column; public ids keep it far shorter
        subject = hashlib.sha256(subject.encode()).hexdigest()
    return subject


def _claim(*, kind: str, subject: str, day: date) -> bool:
    """Take the claim; False if it was taken before. Call inside the sending transaction."""
    _claim_row, created = ReminderClaim.objects.get_or_create(
        kind=kind, subject=subject, due_on=day, defaults={"scan": uuid.uuid4()}
    )
    return created


def _when(meeting: Meeting) -> dict[str, str]:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting_ends_at(meeting))
    return {
        "date": f"{start.day}.{start.month}.{start.year}",
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


def meeting_invitations_send(*, meeting_id: int, sequence: int) -> int:
    """Send the meeting's invitation (or cancellation) of `sequence` to every invitee with
    an address who has not had it; returns how many were sent. A task for an older sequence
    sends nothing: the newer one carries the current state."""
    meeting = (
        Meeting.objects.select_related("organiser", "organiser_agency", "case__client")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or meeting.sequence != sequence:
        return 0
    ends_at = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    if ends_at < timezone.now():
        # Over by the time the worker got to it: an invitation to the past helps nobody.
        return 0
    method = METHOD_CANCEL if meeting.status == EventStatus.CANCELLED else METHOD_REQUEST
    kind = (
        NotificationKind.MEETING_CANCELLED
        if method == METHOD_CANCEL
        else NotificationKind.MEETING_INVITATION
    )
    invitees = meeting_invitees(meeting=meeting)
    calendars: dict[bool, bytes] = {}
    day = timezone.localtime(meeting.starts_at).date()
    sent = 0
    for invitee in invitees:
        _name, email = invitee_address(invitee)
        if not email:
            continue
        for_client = invitee.is_client
        if for_client not in calendars:
            spec = meeting_event_spec(meeting=meeting, for_client=for_client, invitees=invitees)
            calendars[for_client] = event_calendar(events=[spec], method=method)
        key = str(invitee.public_id)
        with transaction.atomic():
            first = not ReminderClaim.objects.filter(
                kind=NotificationKind.MEETING_INVITATION, subject__startswith=f"{key}:"
            ).exists()
            if not _claim(kind=kind, subject=_claim_subject(key, sequence), day=day):
                continue
            with translation.override(_language(invitee, meeting)):
                _message(
                    meeting=meeting,
                    method=method,
                    first=first,
                    for_client=for_client,
                    email=email,
                    ics=calendars[for_client],
                ).send()
        sent += 1
    return sent


def invitation_cancel_send(
    *, meeting_id: int, sequence: int, invitee_key: str, name: str, email: str
) -> bool:
    """Tell one removed invitee that the meeting is off for them: a CANCEL naming only
    them, with the meeting's UID. Once per removed invitee."""
    meeting = (
        Meeting.objects.select_related("organiser", "organiser_agency", "case__client")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return False
    # Without the Polku link: the removed invitee may no longer open the meeting.
    spec = replace(
        meeting_event_spec(meeting=meeting, for_client=True, invitees=[]),
        attendees=[(name, email, "NEEDS-ACTION")],
    )
    ics = event_calendar(events=[spec], method=METHOD_CANCEL)
    day = timezone.localtime(meeting.starts_at).date()
    with transaction.atomic():
        subject = _claim_subject(invitee_key, sequence, ":removed")
        if not _claim(kind=NotificationKind.MEETING_CANCELLED, subject=subject, day=day):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            _message(
                meeting=meeting,
                method=METHOD_CANCEL,
                first=False,
                for_client=True,
                email=email,
                ics=ics,
            ).send()
    return True

"""RFC 5545 calendars for invitations, cancellations, downloads and feeds.

Shared by the case network meetings and the gatherings/calendar feed, so the API is kept
small and stable: build `EventSpec`s and call `event_calendar`. All text goes through the
icalendar library, which escapes commas, semicolons, backslashes and newlines; nothing
here concatenates iCalendar lines by hand.

Times are written with TZID=Europe/Helsinki plus a VTIMEZONE for it, because Outlook
shows floating or UTC-only invitations in the wrong zone after a DST change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Polku//Polku//FI"
HELSINKI = ZoneInfo("Europe/Helsinki")

METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"
METHOD_PUBLISH = "PUBLISH"
METHODS = {METHOD_REQUEST, METHOD_CANCEL, METHOD_PUBLISH}

STATUS_CONFIRMED = "CONFIRMED"
STATUS_CANCELLED = "CANCELLED"

PARTSTATS = {"NEEDS-ACTION", "ACCEPTED", "TENTATIVE", "DECLINED"}

CONTENT_TYPE = "text/calendar; charset=utf-8"


def content_type(method: str | None) -> str:
    """The MIME type of a calendar; mail programs look at `method=` to show the
    accept/decline buttons of an invitation."""
    if method:
        return f"text/calendar; charset=utf-8; method={method}"
    return CONTENT_TYPE


@dataclass(frozen=True)
class EventSpec:
    """One VEVENT. `uid` never changes for an event; `sequence` goes up by one with every
    change sent out. `attendees` are (name, email, partstat) with partstat one of
    NEEDS-ACTION, ACCEPTED, TENTATIVE, DECLINED."""

    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = STATUS_CONFIRMED
    organizer: tuple[str, str] | None = None
    attendees: Sequence[tuple[str, str, str]] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if timezone.is_naive(self.starts_at) or timezone.is_naive(self.ends_at):
            raise ValueError("EventSpec times must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("EventSpec must end after it starts")
        if self.status not in {STATUS_CONFIRMED, STATUS_CANCELLED}:
            raise ValueError(f"unknown event status {self.status!r}")
        for _name, _email, partstat in self.attendees:
            if partstat not in PARTSTATS:
                raise ValueError(f"unknown PARTSTAT {partstat!r}")


def _param_text(value: str) -> str:
    # A parameter value (CN) cannot hold a double quote or a line break in RFC 5545,
    # and the library does not escape parameters the way it escapes property text.
    return " ".join(value.replace('"', "'").split())


def _address(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = _param_text(name)
    return address


def _event(spec: EventSpec, *, method: str | None, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", spec.uid)
    event.add("sequence", spec.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", spec.starts_at.astimezone(HELSINKI))
    event.add("dtend", spec.ends_at.astimezone(HELSINKI))
    event.add("summary", vText(spec.summary))
    if spec.description:
        event.add("description", vText(spec.description))
    if spec.location:
        event.add("location", vText(spec.location))
    if spec.url:
        event.add("url", spec.url)
    status = STATUS_CANCELLED if method == METHOD_CANCEL else spec.status
    event.add("status", status)
    event.add("transp", "OPAQUE")
    if spec.organizer is not None:
        event.add("organizer", _address(*spec.organizer))
    for name, email, partstat in spec.attendees:
        if not email:
            continue
        attendee = _address(name, email)
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = partstat
        if method == METHOD_REQUEST:
            attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee, encode=False)
    return event


def event_calendar(*, events: Sequence[EventSpec], method: str | None) -> bytes:
    """A VCALENDAR with the given events; `method` REQUEST for invitations and updates,
    CANCEL for cancellations, PUBLISH or None for downloads and feeds."""
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    stamp = timezone.now().astimezone(UTC)
    for spec in events:
        calendar.add_component(_event(spec, method=method, stamp=stamp))
    if events:
        calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical

"""Case network meetings about Mikko Mäkinen (the demo client), scheduled through the
services as koordinaattori.oulu."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from core.dates import today
from meetings.models import Meeting
from meetings.services import InviteeSpec, meeting_schedule
from pathways.models import Case

from ..factories import agency, mikko_case, user


def mikkos_case() -> Case:
    return mikko_case()


def local(days: int = 7, hour: int = 10, minute: int = 0) -> datetime:
    """A Helsinki wall-clock time `days` from today."""
    return timezone.make_aware(datetime.combine(today() + timedelta(days=days), time(hour, minute)))


def default_invitees() -> list[InviteeSpec]:
    return [
        InviteeSpec(agency=agency("tym-oulu"), person=user("tym.oulu")),
        InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois")),
    ]


def schedule(**changes: Any) -> Meeting:
    arguments: dict[str, Any] = {
        "case": mikkos_case(),
        "organiser": user("koordinaattori.oulu"),
        "agency": agency("tym-oulu"),
        "title": "Aloituspalaveri",
        "starts_at": local(),
        "duration_minutes": 60,
        "place": "Oulun työllisyyspalvelut, neuvotteluhuone 2",
        "video_url": "",
        "agenda": "1. Tilanne\n2. Seuraavat askeleet",
        "invitees": default_invitees(),
    }
    arguments.update(changes)
    return meeting_schedule(**arguments)


def details_of(meeting: Meeting, **changes: Any) -> dict[str, Any]:
    """meeting_update's arguments for the meeting as it is, with `changes`."""
    values: dict[str, Any] = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
    }
    values.update(changes)
    return values

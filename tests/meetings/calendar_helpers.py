"""Gatherings and meetings for the calendar, gathering and feed tests."""

import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from agencies.models import Region, User
from meetings.gatherings.services import GatheringData, ProgrammeItemData, gathering_create
from meetings.models import Gathering, Invitee, Meeting

from ..factories import agency, mikko_case, user


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Helsinki wall-clock time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def gathering_make(
    *,
    day: date | None = None,
    starts: time = time(12, 0),
    ends: time = time(14, 0),
    region_code: str = "17",
    title: str = "Yhdyspintaverkosto",
    programme: tuple[ProgrammeItemData, ...] = (),
) -> Gathering:
    day = day or timezone.localdate() + timedelta(days=10)
    return gathering_create(
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        data=GatheringData(
            region=Region.objects.get(code=region_code),
            title=title,
            starts_at=timezone.make_aware(datetime.combine(day, starts)),
            ends_at=timezone.make_aware(datetime.combine(day, ends)),
            place="Oulun kaupungintalo",
        ),
        programme=programme,
    )


def meeting_make(
    *,
    starts_at: datetime,
    title: str = "Verkostopalaveri",
    minutes: int = 60,
    organiser: str = "koordinaattori.oulu",
    organiser_agency: str = "tym-oulu",
    agencies: tuple[str, ...] = (),
    people: tuple[tuple[str, str], ...] = (),
    status: str = "scheduled",
) -> Meeting:
    """A meeting about Mikko's case written straight to the tables, so that it may lie in
    the past or in any week a test needs (the service refuses past starts)."""
    public_id = uuid.uuid4()
    meeting = Meeting.objects.create(
        public_id=public_id,
        uid=f"meeting-{public_id}@polku",
        case=mikko_case(),
        organiser=user(organiser),
        organiser_agency=agency(organiser_agency),
        title=title,
        starts_at=starts_at,
        duration_minutes=minutes,
        place="Oulun vankila",
        status=status,
    )
    for key in agencies:
        Invitee.objects.create(meeting=meeting, agency=agency(key))
    for key, username in people:
        Invitee.objects.create(meeting=meeting, agency=agency(key), person=user(username))
    return meeting


def persona(username: str) -> User:
    return User.objects.get(username=username)

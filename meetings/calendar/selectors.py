"""Reads for network gatherings and each user's calendar.

Whose calendar a meeting is in (also in docs/calendar.md):
- the meeting's organiser;
- a person invited by name (an Invitee row whose `person` is the user);
- everyone who works with clients (staff, contact person, coordinator) in an agency that is
  invited without a named person: the agency is invited, so each of its client workers may
  be the one who goes. Data protection officers and agency administrators do no client work
  and do not get their agency's meetings.

A gathering is in the calendar of those who registered for it and of its organiser.

A gathering is open to every agency of its region. An agency is in a region when it serves
a municipality of that region (its employment area, wellbeing services county, Kela
service area or a municipality listed for it), so Rise's northern office and Kela's
northern unit are in several regions. The organising agency always sees its own gatherings,
whatever region it chose.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import DateTimeField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agencies.models import Agency, Membership, Municipality, Region, Role, User
from agencies.selectors import CLIENT_WORK_ROLES
from meetings.models import (
    CalendarFeed,
    EventStatus,
    Gathering,
    Invitee,
    Meeting,
    Registration,
)

# Meetings last at most this long (the meeting_duration_sensible constraint), so a meeting
# that overlaps a period started at most this long before it.
MEETING_MAX_LENGTH = timedelta(minutes=600)
# The personal feed carries the recent past too, so a calendar keeps last month's meetings.
FEED_PAST = timedelta(days=30)
# A feed is read by calendar programs every few hours; this keeps one read cheap.
FEED_MAX_EVENTS = 500

GATHERING_ORGANISER_ROLES = frozenset({Role.COORDINATOR})


def _user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, agency__is_active=True)


def _serving_memberships(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """The memberships whose agency serves the municipality of the outer query."""
    return memberships.filter(
        Q(agency__employment_area_id=OuterRef("employment_area_id"))
        | Q(agency__wellbeing_area_id=OuterRef("wellbeing_area_id"))
        | Q(agency__kela_service_area_id=OuterRef("kela_service_area_id"))
        | Q(agency__municipalities=OuterRef("pk"))
    )


def regions_of_agency(*, agency: Agency) -> QuerySet[Region]:
    """The regions whose municipalities the agency serves."""
    served = Municipality.objects.filter(
        Q(employment_area_id=agency.employment_area_id)
        | Q(wellbeing_area_id=agency.wellbeing_area_id)
        | Q(kela_service_area_id=agency.kela_service_area_id)
        | Q(agencies=agency),
        is_active=True,
    )
    return Region.objects.filter(pk__in=served.values("region_id"))


def agency_in_region(*, agency: Agency, region: Region) -> bool:
    return regions_of_agency(agency=agency).filter(pk=region.pk).exists()


def _user_region_ids(user: User) -> QuerySet[Municipality, Any]:
    """The regions of all the user's agencies, as a subquery (no query of its own)."""
    return Municipality.objects.filter(
        Exists(_serving_memberships(_user_memberships(user))), is_active=True
    ).values("region_id")


def gatherings_visible(*, user: User) -> QuerySet[Gathering]:
    return Gathering.objects.filter(
        Q(region_id__in=_user_region_ids(user))
        | Q(organiser_agency_id__in=_user_memberships(user).values("agency_id"))
    ).select_related("region", "organiser_agency")


def gathering_list_upcoming(*, user: User, now: datetime | None = None) -> QuerySet[Gathering]:
    """Gatherings not yet over, with whether the user has registered."""
    now = now or timezone.now()
    registered = Registration.objects.filter(gathering=OuterRef("pk"), user=user)
    return (
        gatherings_visible(user=user)
        .filter(ends_at__gt=now)
        .annotate(is_registered=Exists(registered))
        .order_by("starts_at", "pk")
    )


def gathering_for_user(*, user: User, public_id: UUID) -> Gathering:
    """The one access helper for a gathering: outside the user's regions it is a 404."""
    return get_object_or_404(gatherings_visible(user=user), public_id=public_id)


def gathering_may_organise(*, membership: Membership | None) -> bool:
    return membership is not None and membership.role in GATHERING_ORGANISER_ROLES


def gathering_may_edit(*, membership: Membership | None, gathering: Gathering) -> bool:
    """Coordinators of the organising agency keep its gatherings."""
    return (
        gathering_may_organise(membership=membership)
        and membership is not None
        and membership.agency_id == gathering.organiser_agency_id
    )


def gathering_registration(*, gathering: Gathering, user: User) -> Registration | None:
    return Registration.objects.filter(gathering=gathering, user=user).first()


def gathering_registrations(*, gathering: Gathering) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(gathering=gathering)
        .select_related("user", "agency")
        .order_by("agency__name_fi", "user__last_name", "user__first_name")
    )


def registration_agency(*, user: User, acting: Agency | None, gathering: Gathering) -> Agency:
    """The agency a registration is made for: the acting agency if it is in the gathering's
    region, else the first of the user's agencies that is (or the organising agency)."""
    candidates = [m.agency for m in _user_memberships(user).select_related("agency")]
    if acting is not None:
        candidates.sort(key=lambda agency: agency.pk != acting.pk)
    for agency in candidates:
        if agency.pk == gathering.organiser_agency_id or agency_in_region(
            agency=agency, region=gathering.region
        ):
            return agency
    raise Http404


# ---------------------------------------------------------------------------------------
# The calendar


def meetings_of_user_q(*, user: User) -> Q:
    """Meetings in the user's calendar (see the module's docstring), as one SQL condition."""
    client_work_agencies = _user_memberships(user).filter(role__in=CLIENT_WORK_ROLES)
    named = Invitee.objects.filter(meeting=OuterRef("pk"), person=user)
    agency_invited = Invitee.objects.filter(
        meeting=OuterRef("pk"),
        person__isnull=True,
        is_client=False,
        agency_id__in=client_work_agencies.values("agency_id"),
    )
    return Q(organiser=user) | Q(Exists(named)) | Q(Exists(agency_invited))


def gatherings_of_user_q(*, user: User) -> Q:
    registered = Registration.objects.filter(gathering=OuterRef("pk"), user=user)
    return Q(organiser=user) | Q(Exists(registered))


@dataclass(frozen=True)
class CalendarEntry:
    """One event in a calendar view. A case meeting carries only its title and time: the
    calendar shows nothing about the client."""

    kind: str  # "meeting" or "gathering"
    title: str
    starts_at: datetime
    ends_at: datetime
    url: str
    cancelled: bool
    place: str = ""

    def on(self, day: date) -> bool:
        start = timezone.localtime(self.starts_at).date()
        # An event ending at midnight does not reach into the next day.
        end = timezone.localtime(self.ends_at - timedelta(microseconds=1)).date()
        return start <= day <= end


def meeting_url(*, public_id: UUID) -> str:
    """The meeting's page, kept by the case-meeting views (meetings/urls.py)."""
    try:
        return reverse("meeting-detail", args=[public_id])
    except NoReverseMatch:
        return ""


def calendar_entries(*, user: User, starts: datetime, ends: datetime) -> list[CalendarEntry]:
    """The user's meetings and gatherings that overlap [starts, ends), in time order."""
    entries: list[CalendarEntry] = []
    meetings = Meeting.objects.filter(
        meetings_of_user_q(user=user),
        starts_at__gte=starts - MEETING_MAX_LENGTH,
        starts_at__lt=ends,
    ).only("public_id", "title", "starts_at", "duration_minutes", "status")
    for meeting in meetings:
        meeting_ends = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting_ends <= starts:
            continue
        entries.append(
            CalendarEntry(
                kind="meeting",
                title=meeting.title,
                starts_at=meeting.starts_at,
                ends_at=meeting_ends,
                url=meeting_url(public_id=meeting.public_id),
                cancelled=meeting.status == EventStatus.CANCELLED,
            )
        )
    gatherings = Gathering.objects.filter(
        gatherings_of_user_q(user=user), starts_at__lt=ends, ends_at__gt=starts
    ).only("public_id", "title", "starts_at", "ends_at", "status", "place")
    for gathering in gatherings:
        entries.append(
            CalendarEntry(
                kind="gathering",
                title=gathering.title,
                starts_at=gathering.starts_at,
                ends_at=gathering.ends_at,
                url=reverse("gathering-detail", args=[gathering.public_id]),
                cancelled=gathering.status == EventStatus.CANCELLED,
                place=gathering.place,
            )
        )
    entries.sort(key=lambda entry: (entry.starts_at, entry.title))
    return entries


def local_midnight(day: date) -> datetime:
    """The start of a day in Helsinki; across a DST change days are 23 or 25 hours long."""
    return timezone.make_aware(datetime.combine(day, time.min))


def feed_active(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@dataclass(frozen=True)
class FeedRow:
    """An event of a personal feed: what a calendar shows of it, nothing about a client."""

    kind: str
    public_id: UUID
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    status: str
    agency_name: str
    description: str


def _feed_events(
    events: QuerySet[Any],
    *,
    kind: str,
    minutes: Combinable,
    ends_at: Combinable,
    description: Combinable,
) -> QuerySet[Any]:
    """Meetings or gatherings as the feed's columns. Every column is an annotation under
    the same name, in the same order, on both kinds, so that their two SELECTs line up
    column by column in the UNION; a meeting has a length, a gathering an end."""
    columns: dict[str, Combinable] = {
        "e_kind": Value(kind),
        **{f"e_{name}": F(name) for name in ("public_id", "uid", "sequence", "title")},
        "e_starts_at": F("starts_at"),
        "e_minutes": minutes,
        "e_ends_at": ends_at,
        **{f"e_{name}": F(name) for name in ("place", "video_url", "status")},
        "e_agency": F("organiser_agency__name_fi"),
        "e_description": description,
    }
    # The plugin cannot type values_list() over names computed at run time.
    selected: QuerySet[Any] = events.annotate(**columns).values_list(*columns).order_by()
    return selected


def feed_rows(*, user: User, now: datetime) -> list[FeedRow]:
    """The user's meetings and gatherings from the last 30 days on, in one query."""
    since = now - FEED_PAST
    meetings = _feed_events(
        Meeting.objects.filter(meetings_of_user_q(user=user), starts_at__gte=since),
        kind="meeting",
        minutes=F("duration_minutes"),
        ends_at=Value(None, output_field=DateTimeField()),
        description=Value(""),
    )
    gatherings = _feed_events(
        Gathering.objects.filter(gatherings_of_user_q(user=user), ends_at__gte=since),
        kind="gathering",
        minutes=Value(None, output_field=IntegerField()),
        ends_at=F("ends_at"),
        description=F("description"),
    )
    rows = meetings.union(gatherings, all=True).order_by("e_starts_at")[:FEED_MAX_EVENTS]
    result = []
    for (
        kind,
        public_id,
        uid,
        sequence,
        title,
        starts_at,
        minutes,
        ends_at,
        place,
        video_url,
        status,
        agency_name,
        description,
    ) in rows:
        result.append(
            FeedRow(
                kind=kind,
                public_id=public_id if isinstance(public_id, UUID) else UUID(str(public_id)),
                uid=uid,
                sequence=sequence,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at or starts_at + timedelta(minutes=minutes),
                place=place,
                video_url=video_url,
                status=status,
                agency_name=agency_name,
                description=description,
            )
        )
    return result

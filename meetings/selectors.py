"""Reads for case network meetings: access, invitee suggestions, conflicts and the
meeting as a calendar event.

A meeting belongs to a case, so seeing it needs access to the case's client
(pathways.cases.selectors.case_for_agency) and, on top of that, being the organising agency or
an invited one: another agency working with the same client does not see the meetings it
was not asked to.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from agencies.models import (
    Agency,
    AgencyKind,
    ContactPerson,
    EmailDelivery,
    Membership,
    Role,
    User,
)
from agencies.selectors import agency_client_workers, serves_q
from core.dates import today
from meetings.ical import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    EventSpec,
)
from meetings.models import EventStatus, Invitee, Meeting, Registration, Rsvp
from pathways.cases.selectors import case_for_agency
from pathways.models import Case
from plans.models import DOMAIN_CATEGORY, Assessment, Domain
from plans.selectors import assessment_suggested_agencies
from referrals.models import AccessGrant
from referrals.selectors import ClientAccess, active_grants_q, client_access, consented_categories

# The longest meeting the model allows (meeting_duration_sensible), so that overlap
# queries can bound their range on the indexed start time.
MAX_DURATION = timedelta(minutes=600)

PARTSTAT = {
    Rsvp.PENDING: "NEEDS-ACTION",
    Rsvp.ACCEPTED: "ACCEPTED",
    Rsvp.TENTATIVE: "TENTATIVE",
    Rsvp.DECLINED: "DECLINED",
}


def meeting_ends_at(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)


# Access ----------------------------------------------------------------------------


def meeting_is_party(*, meeting: Meeting, agency: Agency) -> bool:
    """The organising agency or one invited (as itself or through one of its people)."""
    return (
        meeting.organiser_agency_id == agency.pk or meeting.invitees.filter(agency=agency).exists()
    )


def meeting_for_agency(*, agency: Agency | None, public_id: UUID) -> tuple[Meeting, ClientAccess]:
    """The one access helper for a meeting: a party to it whose agency still has access to
    the case's client gets it and that access; anyone else a 404."""
    if agency is None:
        raise Http404
    meeting = get_object_or_404(
        Meeting.objects.select_related("organiser", "organiser_agency", "case"),
        public_id=public_id,
    )
    if not meeting_is_party(meeting=meeting, agency=agency):
        raise Http404
    case, access = case_for_agency(agency=agency, public_id=meeting.case.public_id)
    meeting.case = case
    return meeting, access


def membership_is_coordinator(*, user: User, agency: Agency) -> bool:
    return Membership.objects.filter(
        user=user, agency=agency, role=Role.COORDINATOR, agency__is_active=True
    ).exists()


def meeting_may_manage(*, meeting: Meeting, user: User, agency: Agency) -> bool:
    """Changing, cancelling, inviting and the minutes: the organising agency's
    coordinators."""
    return meeting.organiser_agency_id == agency.pk and membership_is_coordinator(
        user=user, agency=agency
    )


def case_meetings(*, case: Case, agency: Agency) -> QuerySet[Meeting]:
    """The case's meetings that `agency` organised or was invited to."""
    invited = Invitee.objects.filter(agency=agency).values("meeting_id")
    return (
        Meeting.objects.filter(case=case)
        .filter(Q(organiser_agency=agency) | Q(pk__in=invited))
        .select_related("organiser_agency")
        .order_by("starts_at", "pk")
    )


def meeting_invitees(*, meeting: Meeting) -> list[Invitee]:
    return list(
        meeting.invitees.select_related("agency", "person").order_by(
            "is_client", "agency__name_fi", "pk"
        )
    )


def invitee_for_user(*, meeting: Meeting, user: User, agency: Agency) -> Invitee | None:
    """The invitation `user` answers: their own, else their agency's unnamed one."""
    invitees = meeting.invitees.filter(agency=agency)
    return (
        invitees.filter(person=user).first()
        or invitees.filter(person__isnull=True).order_by("pk").first()
    )


def invitee_address(invitee: Invitee) -> tuple[str, str]:
    """(name, e-mail) the invitation goes to, the e-mail empty when none is sent. The
    client's name is never used: it would end up in everybody's calendar."""
    if invitee.is_client:
        return "", invitee.email
    person = invitee.person
    if person is not None:
        # A person who turned Polku's e-mails off (or left) gets the meeting in Polku and
        # in their calendar feed only.
        wants = person.is_active and person.email_delivery != EmailDelivery.OFF
        return person.display_name, invitee.email or (person.email if wants else "")
    agency = invitee.agency
    return (agency.name if agency else ""), invitee.email or (agency.email if agency else "")


# Who may take part -----------------------------------------------------------------


def agency_may_attend(*, case: Case, agency: Agency) -> str | None:
    """Why `agency` may be told about the client's meeting: "access" (a grant, or it
    recorded the client) or "consent" (a valid consent covers it); None when neither."""
    if client_access(agency=agency, client=case.client) is not None:
        return "access"
    if consented_categories(client=case.client, recipient=agency, day=today()):
        return "consent"
    return None


# Invitee suggestions ---------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An agency to invite, its people (named contact persons first) and why."""

    agency: Agency
    contacts: list[User] = field(default_factory=list)
    people: list[User] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    # agency_may_attend for the case: "access", "consent" or None (cannot be invited).
    attend: str | None = None

    @property
    def default_person(self) -> User | None:
        return self.contacts[0] if self.contacts else None

    @property
    def domain_labels(self) -> list[str]:
        return [str(Domain(code).label) for code in self.domains if code in Domain.values]

    @property
    def categories(self) -> set[str]:
        """The data categories the domains belong to: showing them shows client data."""
        return {DOMAIN_CATEGORY[code] for code in self.domains if code in DOMAIN_CATEGORY}


def _people(agency: Agency, contacts: Iterable[User]) -> tuple[list[User], list[User]]:
    contacts = list(dict.fromkeys(contacts))
    others = [user for user in agency_client_workers(agency=agency) if user not in contacts]
    return contacts, [*contacts, *others]


def agency_suggestion(*, case: Case, agency: Agency, domains: Iterable[str] = ()) -> Suggestion:
    contacts = [
        cp.person
        for cp in ContactPerson.objects.filter(agency=agency, person__is_active=True)
        .select_related("person", "topic")
        .order_by("topic__ordering", "pk")
    ]
    contacts, people = _people(agency, contacts)
    return Suggestion(
        agency=agency,
        contacts=contacts,
        people=people,
        domains=list(domains),
        attend=agency_may_attend(case=case, agency=agency),
    )


def invitee_suggestions(*, case: Case, access: ClientAccess | None = None) -> list[Suggestion]:
    """Whom to invite: the agencies the assessment's needs point to; without an assessment
    (or one with no needs yet), the agencies that already work with the client (its
    recorder and its grants) and the employment area serving the client's home
    municipality. Given `access`, only needs that agency may see count."""
    assessment = Assessment.objects.filter(case=case).first()
    if assessment is not None:
        suggested = assessment_suggested_agencies(assessment=assessment, access=access)
        if suggested:
            suggestions = []
            for agency, contacts, domains in suggested:
                contacts, people = _people(agency, contacts)
                suggestions.append(
                    Suggestion(
                        agency=agency,
                        contacts=contacts,
                        people=people,
                        domains=list(domains),
                        attend=agency_may_attend(case=case, agency=agency),
                    )
                )
            return suggestions
    client = case.client
    granted = AccessGrant.objects.filter(active_grants_q(), client=client).values("agency_id")
    agencies = list(
        Agency.objects.filter(is_active=True)
        .filter(
            Q(pk=client.recorded_by_id)
            | Q(pk__in=granted)
            | (Q(kind=AgencyKind.EMPLOYMENT_AREA) & serves_q(municipality=client.home_municipality))
        )
        .order_by("name_fi")
    )
    return [agency_suggestion(case=case, agency=agency) for agency in agencies]


# Conflicts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A person who is already busy: whom and when, never what the other meeting is
    about (it may concern a client the viewer must not know of)."""

    person: User
    starts_at: datetime
    ends_at: datetime
    key: str


def meeting_conflicts(
    *,
    starts_at: datetime,
    ends_at: datetime,
    people: Iterable[User | int],
    exclude: Meeting | None = None,
) -> list[Conflict]:
    """Scheduled meetings (as organiser or invitee) and gatherings (registered) of
    `people` that overlap [starts_at, ends_at)."""
    ids = {p if isinstance(p, int) else p.pk for p in people}
    if not ids:
        return []
    users = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    meetings = (
        Meeting.objects.filter(
            status=EventStatus.SCHEDULED,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - MAX_DURATION,
        )
        .filter(Q(organiser_id__in=ids) | Q(invitees__person_id__in=ids))
        .distinct()
        .prefetch_related("invitees")
    )
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude.pk)
    found: list[Conflict] = []
    for meeting in meetings:
        other_end = meeting_ends_at(meeting)
        if other_end <= starts_at:
            continue
        busy = {meeting.organiser_id} | {i.person_id for i in meeting.invitees.all()}
        for user_id in sorted(ids & {pk for pk in busy if pk is not None}):
            found.append(
                Conflict(
                    person=users[user_id],
                    starts_at=meeting.starts_at,
                    ends_at=other_end,
                    key=f"m{meeting.pk}u{user_id}",
                )
            )
    registrations = Registration.objects.filter(
        user_id__in=ids,
        gathering__status=EventStatus.SCHEDULED,
        gathering__starts_at__lt=ends_at,
        gathering__ends_at__gt=starts_at,
    ).select_related("gathering")
    for registration in registrations:
        gathering = registration.gathering
        found.append(
            Conflict(
                person=users[registration.user_id],
                starts_at=gathering.starts_at,
                ends_at=gathering.ends_at,
                key=f"g{gathering.pk}u{registration.user_id}",
            )
        )
    found.sort(key=lambda c: (c.starts_at, c.person.display_name, c.key))
    return found


def conflicts_fingerprint(conflicts: Iterable[Conflict]) -> str:
    return ",".join(sorted(c.key for c in conflicts))


# The meeting as a calendar event ---------------------------------------------------


def meeting_url(meeting: Meeting) -> str:
    return settings.POLKU_BASE_URL + reverse("meeting-detail", args=[meeting.public_id])


def meeting_summary(meeting: Meeting) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return f"{gettext('Network meeting')}: {meeting.title}"


def _organizer(meeting: Meeting) -> tuple[str, str]:
    email = meeting.organiser.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return meeting.organiser.display_name, email


def meeting_event_spec(
    *, meeting: Meeting, for_client: bool = False, invitees: list[Invitee] | None = None
) -> EventSpec:
    """The meeting as an event, with no client data in it: the coordinator's title, the
    place, the video link and a link to the meeting page in Polku.

    The client's own copy lists only the client as attendee and has no Polku link: the
    staff's names and e-mail addresses are not the client's to receive, and the client's
    address is not the staff's to keep in their calendars.
    """
    invitees = meeting_invitees(meeting=meeting) if invitees is None else invitees
    with translation.override(settings.LANGUAGE_CODE):
        lines = []
        if meeting.video_url:
            lines.append(f"{gettext('Video link')}: {meeting.video_url}")
        if not for_client:
            lines.append(f"{gettext('The meeting in Polku')}: {meeting_url(meeting)}")
    attendees = []
    for invitee in invitees:
        if invitee.is_client != for_client:
            continue
        name, email = invitee_address(invitee)
        if email:
            attendees.append((name, email, PARTSTAT[Rsvp(invitee.rsvp)]))
    cancelled = meeting.status == EventStatus.CANCELLED
    return EventSpec(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=meeting_summary(meeting),
        description="\n".join(lines),
        location=meeting.place or meeting.video_url,
        url="" if for_client else meeting_url(meeting),
        starts_at=meeting.starts_at,
        ends_at=meeting_ends_at(meeting),
        status=STATUS_CANCELLED if cancelled else STATUS_CONFIRMED,
        organizer=_organizer(meeting),
        attendees=attendees,
    )

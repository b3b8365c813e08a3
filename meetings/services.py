"""Writes for case network meetings (verkostopalaveri).

Every change that calendar programs should see raises the meeting's SEQUENCE by one and
writes the invitations to the e-mail outbox in the same transaction (meetings.invitations);
each invitee gets one message per sequence. Invited people also get an in-app
notification. Neither carries client data.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from agencies.selectors import agency_client_workers, agency_people
from core.dates import today
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from history.transitions import Recorded, transition_apply
from meetings.calendar.models import EVENT_TRANSITIONS
from meetings.invitations import invitation_removed_queue, meeting_invitations_queue
from meetings.models import ActionItem, EventStatus, Invitee, Meeting, Rsvp
from meetings.notification_kinds import MeetingNotificationKind
from meetings.selectors import (
    agency_may_attend,
    invitee_address,
    meeting_invitees,
    meeting_may_manage,
    membership_is_coordinator,
)
from notifications.services import notifications_create
from notifications.texts import case_params
from pathways.cases.reactions import case_event_react
from pathways.models import Case
from plans.models import EmploymentPlan
from plans.services import plan_action_add, plan_start
from referrals.events import PathEvent
from referrals.selectors import client_access

# Fields whose change calendar programs must hear about: they are in the invitation.
CALENDAR_FIELDS = ("title", "starts_at", "duration_minutes", "place", "video_url")
MAX_DURATION_MINUTES = 600

NO_GRANT = _(
    "%(agency)s has no access to the client's data and the client's consent does not cover "
    "it: it cannot be invited."
)


@dataclass(frozen=True)
class InviteeSpec:
    """Whom to invite: an agency (with one of its people, if named) or the client, who has
    no account and is reached by e-mail if an address is given."""

    agency: Agency | None = None
    person: User | None = None
    is_client: bool = False
    email: str = ""


def _uid(meeting: Meeting) -> str:
    # Never changes: calendar programs match updates and cancellations by it.
    return f"meeting-{meeting.public_id}@polku"


def _details_errors(
    *,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    video_url: str,
    check_past: bool,
) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if not title:
        errors.setdefault("title", []).append(_("Give the meeting a title."))
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be timezone-aware")
    if check_past and starts_at < timezone.now():
        errors.setdefault("starts_at", []).append(_("The meeting cannot start in the past."))
    if duration_minutes <= 0:
        errors.setdefault("duration_minutes", []).append(_("The meeting must end after it starts."))
    elif duration_minutes > MAX_DURATION_MINUTES:
        errors.setdefault("duration_minutes", []).append(
            _("A meeting lasts from 1 minute to 10 hours.")
        )
    if not place and not video_url:
        errors.setdefault("place", []).append(_("Give a place or a video link."))
    return errors


def _invitee_errors(
    *, case: Case, specs: Sequence[InviteeSpec], existing: Iterable[Invitee] = ()
) -> list[ValidationError]:
    """Each problem as its own error, with the agency's id in `params`, so that a form can
    show it on that agency's row."""
    errors: list[ValidationError] = []
    clients = sum(1 for spec in specs if spec.is_client) + sum(
        1 for invitee in existing if invitee.is_client
    )
    if clients > 1:
        errors.append(
            ValidationError(_("The client is invited already."), code="client_twice", params={})
        )
    for spec in specs:
        if spec.is_client:
            continue
        agency = spec.agency
        if agency is None:
            raise ValueError("an invitee is an agency or the client")
        params = {"agency": agency.name, "agency_id": agency.pk}
        if agency_may_attend(case=case, agency=agency) is None:
            errors.append(ValidationError(NO_GRANT, code="no_access", params=params))
            continue
        if (
            spec.person is not None
            and not agency_client_workers(agency=agency).filter(pk=spec.person.pk).exists()
        ):
            errors.append(
                ValidationError(
                    _("%(person)s does not work with clients at %(agency)s."),
                    code="not_a_member",
                    params={**params, "person": spec.person.display_name},
                )
            )
    return errors


def _new_invitees(
    *, meeting: Meeting, specs: Sequence[InviteeSpec], existing: Iterable[Invitee] = ()
) -> list[Invitee]:
    """Rows for the specs, skipping whoever is invited already (the same person, the same
    agency without a person, the client) and the organiser."""
    seen_people = {i.person_id for i in existing if i.person_id}
    seen_agencies = {i.agency_id for i in existing if i.agency_id and not i.person_id}
    client = any(i.is_client for i in existing)
    rows = []
    for spec in specs:
        if spec.is_client:
            if client:
                continue
            client = True
            rows.append(Invitee(meeting=meeting, is_client=True, email=spec.email.strip()))
            continue
        if spec.agency is None:
            raise ValueError("an invitee is an agency or the client")
        if spec.person is not None:
            if spec.person.pk in seen_people or spec.person.pk == meeting.organiser_id:
                continue
            seen_people.add(spec.person.pk)
        else:
            if spec.agency.pk in seen_agencies:
                continue
            seen_agencies.add(spec.agency.pk)
        rows.append(
            Invitee(meeting=meeting, agency=spec.agency, person=spec.person, email=spec.email)
        )
    return rows


def _require_coordinator(*, user: User, agency: Agency, case: Case) -> None:
    if not membership_is_coordinator(user=user, agency=agency):
        raise PermissionDenied
    if client_access(agency=agency, client=case.client) is None:
        raise PermissionDenied


def _require_manager(*, meeting: Meeting, user: User, agency: Agency) -> None:
    if not meeting_may_manage(meeting=meeting, user=user, agency=agency):
        raise PermissionDenied
    if client_access(agency=agency, client=meeting.case.client) is None:
        raise PermissionDenied


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status == EventStatus.CANCELLED:
        raise ValidationError(_("The meeting has been cancelled."), code="cancelled")


def _local_params(meeting: Meeting) -> dict[str, Any]:
    local = timezone.localtime(meeting.starts_at)
    agency = meeting.organiser_agency
    return {
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "agency": {"fi": agency.name_fi, "sv": agency.name_sv, "en": agency.name_en},
        **case_params(public_id=meeting.case.public_id, reference=meeting.case.reference),
    }


def _notify(*, meeting: Meeting, invitees: Iterable[Invitee], kind: str, actor: User) -> None:
    """An in-app notification for each invited person; for an agency invited without a
    person, its coordinators and named contact persons. A person who gets the calendar
    invitation by e-mail is not e-mailed the notification as well."""
    invitees = list(invitees)
    calendar_mailed: set[int] = set()
    recipients: set[int] = set()
    agency_ids = {i.agency_id for i in invitees if i.agency_id and i.person_id is None}
    people = agency_people(agency_ids=agency_ids) if agency_ids else {}
    for invitee in invitees:
        if invitee.is_client:
            continue
        if invitee.person_id is not None:
            recipients.add(invitee.person_id)
            if invitee_address(invitee)[1]:
                calendar_mailed.add(invitee.person_id)
        elif invitee.agency_id in people:
            found = people[invitee.agency_id]
            recipients |= found.coordinators | found.contact_persons
    recipients.discard(actor.pk)
    notifications_create(
        recipients=recipients,
        kind=kind,
        params=_local_params(meeting),
        url=reverse("meeting-detail", args=[meeting.public_id]),
        due_on=today(),
        already_emailed=calendar_mailed,
    )


def _send_invitations(meeting: Meeting) -> None:
    # In this transaction: the outbox hands them to the worker after the commit.
    meeting_invitations_queue(meeting=meeting)


def _clean(value: str) -> str:
    return value.strip()


@transaction.atomic
def meeting_schedule(
    *,
    case: Case,
    organiser: User,
    agency: Agency,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    video_url: str,
    agenda: str,
    invitees: Sequence[InviteeSpec],
) -> Meeting:
    """Schedule a network meeting about the case and invite the agencies (and the client).

    Only a coordinator of an agency with access to the case's client may. An agency that
    has no access to the client may be invited only when the client's consent covers it.
    """
    _require_coordinator(user=organiser, agency=agency, case=case)
    title, place, video_url = _clean(title), _clean(place), _clean(video_url)
    errors = _details_errors(
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_url=video_url,
        check_past=True,
    )
    invitee_errors = _invitee_errors(case=case, specs=invitees)
    if invitee_errors:
        errors["invitees"] = list(invitee_errors)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        case=case,
        organiser=organiser,
        organiser_agency=agency,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_url=video_url,
        agenda=agenda.strip(),
    )
    meeting.uid = _uid(meeting)
    meeting.full_clean()
    meeting.save()
    rows = Invitee.objects.bulk_create(_new_invitees(meeting=meeting, specs=invitees))
    change_record(
        kind=ObjectKind.MEETING,
        object_id=meeting.public_id,
        user=organiser,
        agency=agency,
        action=ChangeAction.SCHEDULED,
        fields=[*CALENDAR_FIELDS, "agenda", "invitees"],
    )
    # bulk_create leaves the related objects unloaded on SQLite; read them back.
    _notify(
        meeting=meeting,
        invitees=meeting_invitees(meeting=meeting) if rows else [],
        kind=MeetingNotificationKind.MEETING_INVITATION,
        actor=organiser,
    )
    _send_invitations(meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("case__client", "organiser", "organiser_agency")
        .get(pk=meeting.pk)
    )
    return locked


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: User,
    agency: Agency,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str,
    video_url: str,
    agenda: str,
) -> Meeting:
    """Change the meeting. A change that shows in the calendar raises the sequence and
    sends every invitee the updated invitation (the same UID); an agenda-only change is
    kept in Polku, where the agenda is, without a new invitation."""
    meeting = _locked(meeting)
    _require_manager(meeting=meeting, user=user, agency=agency)
    _require_scheduled(meeting)
    title, place, video_url = _clean(title), _clean(place), _clean(video_url)
    errors = _details_errors(
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_url=video_url,
        check_past=starts_at != meeting.starts_at,
    )
    if errors:
        raise ValidationError(errors)
    new = {
        "title": title,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "place": place,
        "video_url": video_url,
        "agenda": agenda.strip(),
    }
    changed = [name for name, value in new.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    for name, value in new.items():
        setattr(meeting, name, value)
    calendar_change = any(name in CALENDAR_FIELDS for name in changed)
    if calendar_change:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    change_record(
        kind=ObjectKind.MEETING,
        object_id=meeting.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.UPDATED,
        fields=changed,
    )
    if calendar_change:
        _notify(
            meeting=meeting,
            invitees=meeting_invitees(meeting=meeting),
            kind=MeetingNotificationKind.MEETING_CHANGED,
            actor=user,
        )
        _send_invitations(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user: User, agency: Agency) -> Meeting:
    """Cancel the meeting: the sequence goes up and every invitee gets a CANCEL."""
    meeting = _locked(meeting)
    _require_manager(meeting=meeting, user=user, agency=agency)
    if meeting.status == EventStatus.CANCELLED:
        return meeting
    meeting = transition_apply(
        transitions=EVENT_TRANSITIONS,
        obj=meeting,
        move="cancel",
        user=user,
        agency=agency,
        changes={"sequence": F("sequence") + 1},
        recorded=Recorded(kind=ObjectKind.MEETING, object_id=meeting.public_id, fields=["status"]),
    )
    _notify(
        meeting=meeting,
        invitees=meeting_invitees(meeting=meeting),
        kind=MeetingNotificationKind.MEETING_CANCELLED,
        actor=user,
    )
    _send_invitations(meeting)
    return meeting


@transaction.atomic
def invitee_add(
    *, meeting: Meeting, user: User, agency: Agency, invitees: Sequence[InviteeSpec]
) -> list[Invitee]:
    """Invite more agencies, people or the client to a scheduled meeting. The new invitees
    get the invitation of the current sequence; those already invited get nothing new."""
    meeting = _locked(meeting)
    _require_manager(meeting=meeting, user=user, agency=agency)
    _require_scheduled(meeting)
    existing = meeting_invitees(meeting=meeting)
    errors = _invitee_errors(case=meeting.case, specs=invitees, existing=existing)
    if errors:
        raise ValidationError({"invitees": errors})
    rows = _new_invitees(meeting=meeting, specs=invitees, existing=existing)
    if not rows:
        return []
    for row in rows:
        row.save()
    change_record(
        kind=ObjectKind.MEETING,
        object_id=meeting.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.INVITED,
        fields=["invitees"],
    )
    _notify(
        meeting=meeting, invitees=rows, kind=MeetingNotificationKind.MEETING_INVITATION, actor=user
    )
    _send_invitations(meeting)
    return rows


@transaction.atomic
def invitee_remove(*, invitee: Invitee, user: User, agency: Agency) -> None:
    """Take an invitee off the meeting; they get a CANCEL of their own."""
    meeting = _locked(invitee.meeting)
    _require_manager(meeting=meeting, user=user, agency=agency)
    _require_scheduled(meeting)
    invitee = Invitee.objects.select_related("agency", "person").get(pk=invitee.pk)
    invitee.meeting = meeting
    name, email = invitee_address(invitee)
    public_id = invitee.public_id
    _notify(
        meeting=meeting,
        invitees=[invitee],
        kind=MeetingNotificationKind.MEETING_CANCELLED,
        actor=user,
    )
    invitee.delete()
    change_record(
        kind=ObjectKind.MEETING,
        object_id=meeting.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.UNINVITED,
        fields=["invitees"],
    )
    if email:
        invitation_removed_queue(
            meeting=meeting, invitee_key=str(public_id), name=name, email=email
        )


@transaction.atomic
def rsvp_set(*, invitee: Invitee, rsvp: str, user: User) -> Invitee:
    """Answer an invitation: one's own, or one's agency's unnamed one (whoever answers
    becomes the agency's named participant)."""
    invitee = (
        Invitee.objects.select_for_update(of=("self",))
        .select_related("meeting", "agency", "person")
        .get(pk=invitee.pk)
    )
    if invitee.is_client:
        raise PermissionDenied
    if invitee.person_id is None:
        if (
            invitee.agency is None
            or not agency_client_workers(agency=invitee.agency).filter(pk=user.pk).exists()
        ):
            raise PermissionDenied
    elif invitee.person_id != user.pk:
        raise PermissionDenied
    _require_scheduled(invitee.meeting)
    if rsvp not in (Rsvp.ACCEPTED, Rsvp.TENTATIVE, Rsvp.DECLINED):
        raise ValidationError({"rsvp": _("Choose whether you will attend.")})
    fields = ["rsvp", "responded_at"]
    if invitee.person_id is None:
        invitee.person = user
        fields.append("person")
    invitee.rsvp = rsvp
    invitee.responded_at = timezone.now()
    invitee.save(update_fields=fields)
    change_record(
        kind=ObjectKind.MEETING,
        object_id=invitee.meeting.public_id,
        user=user,
        agency=invitee.agency,
        action=ChangeAction.ANSWERED,
        fields=["rsvp"],
    )
    return invitee


def _plan_origin(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        return f"{gettext('Network meeting')} {local:%d.%m.%Y}"[:200]


def _case_plan(*, case: Case, user: User, agency: Agency) -> EmploymentPlan:
    plan = EmploymentPlan.objects.filter(case=case).first()
    if plan is None:
        plan = plan_start(case=case, user=user, agency=agency)
    return plan


@transaction.atomic
def meeting_minutes_record(
    *,
    meeting: Meeting,
    minutes: str,
    decisions: str,
    action_items: Sequence[tuple[str, Agency, date]],
    user: User,
    agency: Agency,
) -> list[ActionItem]:
    """Record the minutes and decisions and add the agreed actions, each to the case's
    employment plan too (started here if the case has none). Recording again replaces the
    minutes and decisions and adds the new actions."""
    meeting = _locked(meeting)
    _require_manager(meeting=meeting, user=user, agency=agency)
    _require_scheduled(meeting)
    parties = {meeting.organiser_agency_id} | {
        i.agency_id for i in meeting_invitees(meeting=meeting) if i.agency_id
    }
    errors: list[ValidationError] = []
    items: list[ActionItem] = []
    plan = _case_plan(case=meeting.case, user=user, agency=agency) if action_items else None
    origin = _plan_origin(meeting)
    for index, (text, owner, due_on) in enumerate(action_items):
        params = {"index": index}
        row = []
        if not text.strip():
            row.append(ValidationError(_("Describe the action."), code="text", params=params))
        if owner.pk not in parties:
            row.append(
                ValidationError(
                    _("The owner must be the organising agency or an invited one."),
                    code="owner",
                    params=params,
                )
            )
        if due_on is None:
            row.append(ValidationError(_("Give a due date."), code="due_on", params=params))
        errors += row
        if row or plan is None:
            continue
        try:
            plan_action = plan_action_add(
                plan=plan,
                text=text.strip(),
                owner_agency=owner,
                due_on=due_on,
                origin=origin,
                user=user,
                agency=agency,
            )
        except ValidationError as error:
            # The plan's own rules (a due date not in the past, an owner that may see the
            # client), reported on the action's row; the whole record then rolls back.
            for name, messages in error.message_dict.items():
                code = {"owner_agency": "owner"}.get(name, name)
                errors += [ValidationError(m, code=code, params=params) for m in messages]
            continue
        items.append(
            ActionItem.objects.create(
                meeting=meeting,
                text=text.strip(),
                owner_agency=owner,
                due_on=due_on,
                plan_action=plan_action,
            )
        )
    if errors:
        raise ValidationError({"action_items": errors})
    first_record = not meeting.minutes
    meeting.minutes = minutes.strip()
    meeting.decisions = decisions.strip()
    meeting.save(update_fields=["minutes", "decisions", "updated_at"])
    change_record(
        kind=ObjectKind.MEETING,
        object_id=meeting.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.MINUTES_RECORDED,
        fields=["minutes", "decisions", *(["action_items"] if items else [])],
    )
    if first_record:
        # Minutes are what shows the meeting was held; correcting them is not a new event.
        case_event_react(case=meeting.case, event=PathEvent.MEETING_HELD, user=user, agency=agency)
    return items

"""Writes for network gatherings (docs/design.md §5): a coordinator schedules, changes and
cancels them; staff of the region register and cancel their registration.

Every change a calendar should pick up raises the gathering's SEQUENCE by one (RFC 5545),
so a downloaded or subscribed copy is updated in place rather than duplicated.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Membership, Region, User
from history.transitions import transition_apply
from meetings.calendar.models import EVENT_TRANSITIONS
from meetings.calendar.selectors import GATHERING_ORGANISER_ROLES
from meetings.models import EventStatus, Gathering, ProgrammeItem, Registration
from meetings.notification_kinds import MeetingNotificationKind
from notifications.services import notifications_create

# The fields of a gathering a coordinator edits; a change to any of them is sent out.
GATHERING_FIELDS = (
    "region",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "video_url",
)


@dataclass(frozen=True)
class ProgrammeItemData:
    starts_at: time
    title: str
    speaker: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class GatheringData:
    region: Region
    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    place: str = ""
    video_url: str = ""


def gathering_uid(*, public_id: uuid.UUID) -> str:
    return f"gathering-{public_id}@polku"


def _time_within(moment: time, *, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether a time of day falls in [starts_at, ends_at) on some day of the gathering,
    read in Helsinki time."""
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at).date()
    day = first
    while day <= last:
        at = timezone.make_aware(datetime.combine(day, moment))
        if starts_at <= at < ends_at:
            return True
        day += timedelta(days=1)
    return False


def _validate(
    *,
    data: GatheringData,
    programme: Sequence[ProgrammeItemData],
    start_changed: bool,
    now: datetime,
) -> None:
    """All errors at once, each on the field that caused it. Programme errors carry the
    row's index so the form can put them on that row's time."""
    errors: dict[str, list[ValidationError]] = {}
    if start_changed and data.starts_at <= now:
        errors.setdefault("starts_at", []).append(
            ValidationError(_("The start must be in the future."), code="past")
        )
    if data.ends_at <= data.starts_at:
        errors.setdefault("ends_at", []).append(
            ValidationError(_("The end must be after the start."), code="before_start")
        )
    elif data.ends_at - data.starts_at > timedelta(days=3):
        errors.setdefault("ends_at", []).append(
            ValidationError(_("A gathering lasts at most three days."), code="too_long")
        )
    if not data.place.strip() and not data.video_url.strip():
        errors.setdefault("place", []).append(
            ValidationError(_("Give a place or a video link."), code="no_place")
        )
    if not data.region.is_active:
        errors.setdefault("region", []).append(
            ValidationError(_("This region is no longer in use."), code="inactive")
        )
    if "ends_at" not in errors:
        for index, item in enumerate(programme):
            if not _time_within(item.starts_at, starts_at=data.starts_at, ends_at=data.ends_at):
                errors.setdefault("programme", []).append(
                    ValidationError(
                        _("The item must start during the gathering (%(start)s–%(end)s)."),
                        code="outside",
                        params={
                            "start": f"{timezone.localtime(data.starts_at):%H:%M}",
                            "end": f"{timezone.localtime(data.ends_at):%H:%M}",
                            "index": index,
                        },
                    )
                )
    if errors:
        raise ValidationError(errors)


def _require_coordinator(*, user: User, agency: Agency) -> None:
    if not Membership.objects.filter(
        user=user, agency=agency, role__in=GATHERING_ORGANISER_ROLES, agency__is_active=True
    ).exists():
        raise PermissionDenied


def _programme_replace(*, gathering: Gathering, programme: Sequence[ProgrammeItemData]) -> None:
    gathering.programme.all().delete()
    ProgrammeItem.objects.bulk_create(
        ProgrammeItem(
            gathering=gathering,
            starts_at=item.starts_at,
            title=item.title.strip(),
            speaker=item.speaker.strip(),
            organisation=item.organisation.strip(),
        )
        for item in sorted(programme, key=lambda item: item.starts_at)
    )


def _programme_rows(items: Sequence[ProgrammeItemData]) -> list[tuple[time, str, str, str]]:
    return sorted(
        (item.starts_at, item.title.strip(), item.speaker.strip(), item.organisation.strip())
        for item in items
    )


@transaction.atomic
def gathering_create(
    *,
    user: User,
    agency: Agency,
    data: GatheringData,
    programme: Sequence[ProgrammeItemData] = (),
) -> Gathering:
    _require_coordinator(user=user, agency=agency)
    _validate(data=data, programme=programme, start_changed=True, now=timezone.now())
    public_id = uuid.uuid4()
    gathering = Gathering.objects.create(
        public_id=public_id,
        uid=gathering_uid(public_id=public_id),
        region=data.region,
        title=data.title.strip(),
        description=data.description.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place.strip(),
        video_url=data.video_url.strip(),
        organiser=user,
        organiser_agency=agency,
    )
    _programme_replace(gathering=gathering, programme=programme)
    return gathering


@transaction.atomic
def gathering_update(
    *,
    gathering: Gathering,
    user: User,
    agency: Agency,
    data: GatheringData,
    programme: Sequence[ProgrammeItemData],
) -> Gathering:
    """Save the changes; SEQUENCE goes up by one if anything a calendar shows changed."""
    if agency.pk != gathering.organiser_agency_id:
        raise PermissionDenied
    _require_coordinator(user=user, agency=agency)
    # Lock the row: two coordinators saving at once must not both send the same SEQUENCE.
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError(_("A cancelled gathering cannot be changed."), code="cancelled")
    _validate(
        data=data,
        programme=programme,
        start_changed=data.starts_at != locked.starts_at,
        now=timezone.now(),
    )
    new_values = {
        "region": data.region,
        "title": data.title.strip(),
        "description": data.description.strip(),
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "place": data.place.strip(),
        "video_url": data.video_url.strip(),
    }
    changed = [name for name, value in new_values.items() if getattr(locked, name) != value]
    programme_changed = _programme_rows(programme) != _programme_rows(
        [
            ProgrammeItemData(
                starts_at=item.starts_at,
                title=item.title,
                speaker=item.speaker,
                organisation=item.organisation,
            )
            for item in locked.programme.all()
        ]
    )
    if not changed and not programme_changed:
        return locked
    for name, value in new_values.items():
        setattr(locked, name, value)
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=[*GATHERING_FIELDS, "sequence", "updated_at"])
    if programme_changed:
        _programme_replace(gathering=locked, programme=programme)
    locked.refresh_from_db()
    _registrants_notify(
        gathering=locked, kind=MeetingNotificationKind.GATHERING_CHANGED, actor=user
    )
    return locked


@transaction.atomic
def gathering_cancel(*, gathering: Gathering, user: User, agency: Agency) -> Gathering:
    """Cancel: STATUS:CANCELLED with the next SEQUENCE, so calendars strike it out."""
    if agency.pk != gathering.organiser_agency_id:
        raise PermissionDenied
    _require_coordinator(user=user, agency=agency)
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    if locked.status == EventStatus.CANCELLED:
        return locked
    if locked.ends_at <= timezone.now():
        raise ValidationError(_("A gathering that is over cannot be cancelled."), code="over")
    # No change record: the history follows a client's objects, and a gathering is no one's.
    locked = transition_apply(
        transitions=EVENT_TRANSITIONS,
        obj=locked,
        move="cancel",
        user=user,
        agency=agency,
        changes={"sequence": F("sequence") + 1},
        recorded=None,
    )
    _registrants_notify(
        gathering=locked, kind=MeetingNotificationKind.GATHERING_CANCELLED, actor=user
    )
    return locked


def _registrants_notify(*, gathering: Gathering, kind: str, actor: User) -> None:
    """Tell those registered that the gathering changed or was cancelled; their calendar
    feeds show it too, but not everyone has one."""
    local = timezone.localtime(gathering.starts_at)
    agency = gathering.organiser_agency
    notifications_create(
        recipients=gathering.registrations.exclude(user=actor).values_list("user_id", flat=True),
        kind=kind,
        params={
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "agency": {"fi": agency.name_fi, "sv": agency.name_sv, "en": agency.name_en},
        },
        url=reverse("gathering-detail", args=[gathering.public_id]),
        due_on=timezone.localdate(),
    )


@transaction.atomic
def registration_create(
    *, gathering: Gathering, user: User, agency: Agency
) -> tuple[Registration, bool]:
    """Register once; registering again returns the registration already made."""
    locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
    existing = Registration.objects.filter(gathering=locked, user=user).first()
    if existing is not None:
        return existing, False
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError(_("The gathering has been cancelled."), code="cancelled")
    if locked.starts_at <= timezone.now():
        raise ValidationError(
            _("Registration has closed: the gathering has started."), code="closed"
        )
    return Registration.objects.get_or_create(
        gathering=locked, user=user, defaults={"agency": agency}
    )


@transaction.atomic
def registration_cancel(*, gathering: Gathering, user: User) -> bool:
    """Withdraw the user's registration; False if there was none."""
    if gathering.ends_at <= timezone.now():
        raise ValidationError(_("The gathering is over."), code="over")
    deleted, _rows = Registration.objects.filter(gathering=gathering, user=user).delete()
    return deleted > 0

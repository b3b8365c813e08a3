"""Writes of a case's stages and its release date. Each function is one transaction; a
stage's status changes only along STAGE_TRANSITIONS (pathways.cases.transitions), by the
agency that answers for the stage."""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from agencies.selectors import agency_client_workers
from core.dates import today
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from history.transitions import Recorded, transition_apply
from pathways.cases.reactions import case_event_react, case_event_record, case_event_undo
from pathways.cases.selectors import case_stage_is_responsible
from pathways.cases.services import RISE_KINDS, release_date_check
from pathways.cases.transitions import STAGE_TRANSITIONS
from pathways.cases.transitions import StageConflict as StageConflict  # the views catch it
from pathways.models import (
    Case,
    CaseChange,
    CaseStage,
    CaseStatus,
    ChecklistItem,
    ChecklistTick,
)
from referrals.events import PathEvent
from referrals.models import Release

logger = logging.getLogger(__name__)
# The line each move made by hand leaves on the case's timeline.
HAND_CHANGES = {
    "start": CaseChange.STARTED,
    "complete": CaseChange.COMPLETED,
    "skip": CaseChange.SKIPPED,
    "reopen": CaseChange.REOPENED,
}


def case_stage_allowed_actions(*, case_stage: CaseStage, agency: Agency) -> frozenset[str]:
    """The moves `agency` may make on the stage now."""
    if not case_stage_is_responsible(case_stage=case_stage, agency=agency):
        return frozenset()
    return STAGE_TRANSITIONS.allowed(case_stage.status)


def _check_actor(*, case_stage: CaseStage, by: User) -> None:
    """Only the people of the agency that answers for the stage change it."""
    agency_id = case_stage.responsible_agency_id
    if agency_id is None or not (
        agency_client_workers(agency=Agency(pk=agency_id)).filter(pk=by.pk).exists()
    ):
        raise PermissionDenied


def _transition(*, case_stage: CaseStage, move: str, by: User, **changes: object) -> CaseStage:
    """Make the named move if the stage's status allows it now; of two racing moves from
    the same status exactly one wins."""
    _check_actor(case_stage=case_stage, by=by)
    # The stage's agency: only its people may change the stage (_check_actor).
    agency = Agency(pk=case_stage.responsible_agency_id)
    order = case_stage.stage.order
    return transition_apply(
        transitions=STAGE_TRANSITIONS,
        obj=case_stage,
        move=move,
        user=by,
        agency=agency,
        changes=changes,
        event=lambda _locked, _to: case_event_record(
            case=case_stage.case,
            change=HAND_CHANGES[move],
            case_stage=case_stage,
            user=by,
            agency=agency,
        ),
        recorded=Recorded(
            kind=ObjectKind.CASE,
            object_id=case_stage.case.public_id,
            fields=[f"stages.{order}.{name}" for name in ["status", *changes]],
        ),
    )


def _record(*, case_stage: CaseStage, by: User, action: ChangeAction, fields: list[str]) -> None:
    """A change of one stage, in the case's history; the stage is named by its order."""
    order = case_stage.stage.order
    change_record(
        kind=ObjectKind.CASE,
        object_id=case_stage.case.public_id,
        user=by,
        # The stage's agency: only its people may change the stage (_check_actor).
        agency=Agency(pk=case_stage.responsible_agency_id),
        action=action,
        fields=[f"stages.{order}.{name}" for name in fields],
    )


def case_stage_start(*, case_stage: CaseStage, by: User) -> CaseStage:
    return _transition(case_stage=case_stage, move="start", by=by)


def case_stage_complete(*, case_stage: CaseStage, by: User) -> CaseStage:
    return _transition(case_stage=case_stage, move="complete", by=by)


def case_stage_skip(*, case_stage: CaseStage, reason: str, by: User) -> CaseStage:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Give the reason for skipping the stage."), code="required"
                )
            }
        )
    return _transition(case_stage=case_stage, move="skip", by=by, skip_reason=reason)


def case_stage_reopen(*, case_stage: CaseStage, by: User) -> CaseStage:
    return _transition(case_stage=case_stage, move="reopen", by=by, skip_reason="")


@transaction.atomic
def case_stage_assign(*, case_stage: CaseStage, person: User | None, by: User) -> CaseStage:
    """Name the stage's responsible person among its agency's client workers, or nobody."""
    _check_actor(case_stage=case_stage, by=by)
    if person is not None and not (
        agency_client_workers(agency=Agency(pk=case_stage.responsible_agency_id))
        .filter(pk=person.pk)
        .exists()
    ):
        raise ValidationError(
            {"person": _("The responsible person must belong to the stage's agency.")}
        )
    CaseStage.objects.filter(pk=case_stage.pk).update(
        responsible_person=person, updated_at=timezone.now()
    )
    _record(
        case_stage=case_stage,
        by=by,
        action=ChangeAction.STAGE_ASSIGNED,
        fields=["responsible_person"],
    )
    case_stage.refresh_from_db()
    return case_stage


@transaction.atomic
def checklist_tick_set(
    *, case_stage: CaseStage, item: ChecklistItem, ticked: bool, by: User
) -> ChecklistTick | None:
    """Tick or untick one item; setting what is already set changes nothing."""
    _check_actor(case_stage=case_stage, by=by)
    if item.stage_id != case_stage.stage_id:
        raise ValidationError({"item": _("The item is not on this stage's checklist.")})
    if not ticked:
        deleted, _kinds = ChecklistTick.objects.filter(case_stage=case_stage, item=item).delete()
        if deleted:
            _record(
                case_stage=case_stage,
                by=by,
                action=ChangeAction.CHECKLIST_UNTICKED,
                fields=["ticks"],
            )
            _tick_line(case_stage=case_stage, item=item, change=CaseChange.UNTICKED, by=by)
        return None
    # get_or_create retries the read when a racing tick wins the unique constraint.
    tick, created = ChecklistTick.objects.get_or_create(
        case_stage=case_stage, item=item, defaults={"ticked_by": by}
    )
    if created:
        _record(
            case_stage=case_stage, by=by, action=ChangeAction.CHECKLIST_TICKED, fields=["ticks"]
        )
        _tick_line(case_stage=case_stage, item=item, change=CaseChange.TICKED, by=by)
    return tick


def _tick_line(*, case_stage: CaseStage, item: ChecklistItem, change: str, by: User) -> None:
    case_event_record(
        case=case_stage.case,
        change=change,
        case_stage=case_stage,
        item=item,
        user=by,
        agency=Agency(pk=case_stage.responsible_agency_id),
    )


@transaction.atomic
def checklist_ticks_set(
    *, case_stage: CaseStage, ticks: dict[ChecklistItem, bool], by: User
) -> None:
    """Several items of one stage's checklist at once: all of them or none."""
    for item, ticked in ticks.items():
        checklist_tick_set(case_stage=case_stage, item=item, ticked=ticked, by=by)


# The release date ------------------------------------------------------------------


def release_date_may_move(*, case: Case, agency: Agency) -> bool:
    """Only the Rise unit that started the case moves its release date, while the case runs."""
    return (
        case.release_id is not None
        and case.status == CaseStatus.ACTIVE
        and case.started_by_id == agency.pk
        and agency.kind in RISE_KINDS
    )


@transaction.atomic
def release_date_move(*, case: Case, expected_date: date, user: User, agency: Agency) -> Case:
    """Move the expected release date and the case's anchor with it, so that the stage
    windows and reminders (computed from the anchor) follow."""
    if not release_date_may_move(case=case, agency=agency):
        raise PermissionDenied
    if not agency_client_workers(agency=agency).filter(pk=user.pk).exists():
        raise PermissionDenied
    release_date_check(expected_date=expected_date)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    # A release taken to have happened because its day came, unconfirmed, was postponed:
    # the client is still inside, so what Polku moved on that day is undone.
    # Moved to a day still to come, that is: a correction to an earlier day keeps it.
    if expected_date > today() and Release.objects.filter(
        case=locked, released_by__isnull=True, released_on__isnull=False
    ).update(released_on=None):
        case_event_undo(case=locked, event=PathEvent.RELEASE_RECORDED, user=user, agency=agency)
    Release.objects.filter(case=locked).update(expected_date=expected_date)
    Case.objects.filter(pk=locked.pk).update(anchor_date=expected_date)
    change_record(
        kind=ObjectKind.CASE,
        object_id=locked.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.RELEASE_DATE_MOVED,
        fields=["release.expected_date", "anchor_date"],
    )
    case.refresh_from_db()
    if case.release is not None:
        case.release.refresh_from_db()
    return case


# The release itself -------------------------------------------------------------------


def release_may_record(*, case: Case, agency: Agency) -> bool:
    """The Rise unit that started the case confirms the release once its day has come."""
    return release_date_may_move(case=case, agency=agency)


@transaction.atomic
def release_record(*, case: Case, released_on: date, user: User, agency: Agency) -> Case:
    """Confirm that the client was released on `released_on` (today or earlier, not
    before the path started). The path reacts as to any recorded release."""
    if not release_may_record(case=case, agency=agency):
        raise PermissionDenied
    if not agency_client_workers(agency=agency).filter(pk=user.pk).exists():
        raise PermissionDenied
    if released_on > today():
        raise ValidationError({"released_on": _("A release cannot be recorded in advance.")})
    if released_on < timezone.localtime(case.created_at).date():
        raise ValidationError(
            {"released_on": _("The release cannot be before the path was started.")}
        )
    locked = Case.objects.select_for_update(of=("self",)).select_related("release").get(pk=case.pk)
    recorded = locked.release.released_on if locked.release else None
    if locked.release is not None and locked.release.released_by_id and recorded:
        raise ValidationError(
            {
                "released_on": _("The release was already recorded, on %(day)s.")
                % {"day": formats.date_format(recorded, "SHORT_DATE_FORMAT")}
            }
        )
    Release.objects.filter(case=locked).update(released_on=released_on, released_by=user)
    change_record(
        kind=ObjectKind.CASE,
        object_id=locked.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.RELEASE_RECORDED,
        fields=["release.released_on"],
    )
    case_event_react(case=locked, event=PathEvent.RELEASE_RECORDED, user=user, agency=agency)
    case.refresh_from_db()
    if case.release is not None:
        case.release.refresh_from_db()
    return case


def release_dates_reached(*, day: date, batch: int = 500) -> int:
    """Record the release of every running case whose expected release day has come and
    that nobody has confirmed: the path then moves as it would on Rise's confirmation.
    Works from the database, so a missed run catches up; each case is its own transaction,
    and a case already recorded is never recorded twice. Returns how many were recorded."""
    done = 0
    failed: set[int] = set()
    while True:
        ids = list(
            Case.objects.filter(
                status=CaseStatus.ACTIVE,
                release__isnull=False,
                release__expected_date__lte=day,
                release__released_on__isnull=True,
            )
            .exclude(pk__in=failed)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return done
        for case_id in ids:
            try:
                done += _release_day_reached(case_id=case_id, day=day)
            except Exception:
                # One case that cannot move must not stop the reminders of all the others;
                # it is tried again on the next scan.
                logger.exception("release day of case %s could not be recorded", case_id)
                failed.add(case_id)


@transaction.atomic
def _release_day_reached(*, case_id: int, day: date) -> int:
    case = Case.objects.select_for_update(of=("self",)).select_related("release").get(pk=case_id)
    release = case.release
    if release is None or release.released_on is not None or release.expected_date > day:
        return 0
    Release.objects.filter(pk=release.pk).update(released_on=release.expected_date)
    case_event_react(case=case, event=PathEvent.RELEASE_RECORDED, user=None, agency=None)
    return 1

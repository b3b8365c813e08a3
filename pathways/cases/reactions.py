"""The path's reaction to what happens: the stages and checklist items that a pathway
template ties to a path event move by themselves, and the case's timeline says why.

The service that makes an event calls `case_event_react` inside its own transaction (the
referral services reach it through `referrals.events`, registered in PathwaysConfig.ready).
A running case reacts by the template version it started on.

A reaction only moves a stage forward from where it stands: it starts a stage that is not
started and completes one that is not done or skipped. A stage a person has already
completed or skipped is left as it is, and an item ticked by hand stays. A stage a person
reopened is in progress again, so a later event that completes it does so: the event
says the work is done.
"""

from django.db import transaction
from django.db.models import Prefetch

from agencies.models import Agency, User
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from history.transitions import transition_try
from pathways.cases.links import case_for_referral
from pathways.cases.transitions import STAGE_TRANSITIONS
from pathways.models import (
    Case,
    CaseChange,
    CaseEvent,
    CaseStage,
    CaseStatus,
    ChecklistItem,
    ChecklistTick,
    StageStatus,
)
from referrals.events import PathEvent
from referrals.models import Referral

S = StageStatus


def case_event_record(
    *,
    case: Case,
    change: str,
    cause: str = "",
    case_stage: CaseStage | None = None,
    item: ChecklistItem | None = None,
    user: User | None,
    agency: Agency | None,
) -> CaseEvent:
    """One line of the case's timeline; `cause` empty for a move made by hand."""
    return CaseEvent.objects.create(
        case=case,
        cause=cause,
        change=change,
        stage_id=case_stage.stage_id if case_stage else None,
        item=item,
        actor=user,
        actor_name=user.display_name if user else "",
        agency=agency,
    )


@transaction.atomic
def case_event_react(
    *, case: Case, event: str, user: User | None, agency: Agency | None
) -> list[CaseEvent]:
    """Apply `event` to the case's stages and checklists, by the case's template version.

    `user` is the person whose action made the event, or None when Polku noticed it (a
    release date reached). Returns the timeline lines written: at least one, so that the
    event itself is on the timeline even when nothing moved. A closed path does not move.
    """
    if event not in PathEvent.values:
        raise ValueError(f"unknown path event {event!r}")
    if case.status != CaseStatus.ACTIVE:
        return []
    stages = list(
        CaseStage.objects.filter(case=case)
        .select_related("stage")
        .prefetch_related(
            Prefetch(
                "stage__checklist",
                queryset=ChecklistItem.objects.filter(ticked_on=event).order_by("order"),
                to_attr="event_items",
            )
        )
        .order_by("stage__order")
    )
    lines: list[CaseEvent] = []
    changed_fields: list[str] = []

    def line(change: str, case_stage: CaseStage, item: ChecklistItem | None = None) -> None:
        lines.append(
            case_event_record(
                case=case,
                cause=event,
                change=change,
                case_stage=case_stage,
                item=item,
                user=user,
                agency=agency,
            )
        )

    for case_stage in stages:
        template_stage = case_stage.stage
        order = template_stage.order
        if event in template_stage.complete_events and transition_try(
            transitions=STAGE_TRANSITIONS, obj=case_stage, move="complete"
        ):
            line(CaseChange.COMPLETED, case_stage)
            changed_fields.append(f"stages.{order}.status")
        elif event in template_stage.start_events and transition_try(
            transitions=STAGE_TRANSITIONS, obj=case_stage, move="start"
        ):
            line(CaseChange.STARTED, case_stage)
            changed_fields.append(f"stages.{order}.status")
        for item in getattr(template_stage, "event_items", []):
            _tick, created = ChecklistTick.objects.get_or_create(
                case_stage=case_stage, item=item, defaults={"ticked_by": user}
            )
            if created:
                line(CaseChange.TICKED, case_stage, item)
                changed_fields.append(f"stages.{order}.ticks")
    if not lines:
        lines.append(
            case_event_record(
                case=case, cause=event, change=CaseChange.NOTED, user=user, agency=agency
            )
        )
    if changed_fields:
        change_record(
            kind=ObjectKind.CASE,
            object_id=case.public_id,
            user=user,
            agency=agency,
            action=ChangeAction(f"path: {event}"),
            fields=changed_fields,
        )
    return lines


def case_event_undo(
    *, case: Case, event: str, user: User | None, agency: Agency | None
) -> list[CaseEvent]:
    """Take back what Polku itself moved on `event` when the event turns out not to have
    happened (an unconfirmed release postponed): a stage it completed is reopened and an
    item it ticked for nobody is unticked, unless a person has moved them since."""
    lines: list[CaseEvent] = []
    last_moves: dict[int, CaseEvent] = {}
    for line in CaseEvent.objects.filter(case=case, stage__isnull=False, item__isnull=True):
        last_moves.setdefault(line.stage_id or 0, line)  # newest first
    for case_stage in CaseStage.objects.filter(case=case, status=S.DONE).select_related("stage"):
        last = last_moves.get(case_stage.stage_id)
        if (
            last is not None
            and (last.cause, last.change, last.actor_id) == (event, CaseChange.COMPLETED, None)
            and transition_try(transitions=STAGE_TRANSITIONS, obj=case_stage, move="reopen")
        ):
            lines.append(
                case_event_record(
                    case=case,
                    change=CaseChange.REOPENED,
                    case_stage=case_stage,
                    user=user,
                    agency=agency,
                )
            )
    ticks = ChecklistTick.objects.filter(
        case_stage__case=case, ticked_by__isnull=True, item__ticked_on=event
    ).select_related("case_stage", "item")
    for tick in ticks:
        tick.delete()
        lines.append(
            case_event_record(
                case=case,
                change=CaseChange.UNTICKED,
                case_stage=tick.case_stage,
                item=tick.item,
                user=user,
                agency=agency,
            )
        )
    return lines


# Referrals ---------------------------------------------------------------------------


def referral_event_react(referral: Referral, event: str, user: User, agency: Agency) -> None:
    """Registered with referrals.events: a referral's move is an event of its path when
    the referral goes to an agency that answers for a stage of it. A referral about the
    same release to the wellbeing county or an NGO (by consent) is not the path's
    referral: its acceptance must not start the employment area's stages."""
    case = case_for_referral(referral=referral)
    if case is None:
        return
    if not case.stages.filter(responsible_agency_id=referral.recipient_agency_id).exists():
        return
    case_event_react(case=case, event=event, user=user, agency=agency)

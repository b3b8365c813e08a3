"""The status machines of a case and of its stages (history.transitions).

A stage moves by hand (pathways.stages.services, by the agency that answers for it) and
by itself on the path's events (pathways.cases.reactions): both along STAGE_TRANSITIONS,
so an event starts or completes a stage only where a person could.
"""

from django.utils.translation import gettext as _

from history.models import ChangeAction
from history.transitions import TransitionConflict, Transitions
from pathways.models import Case, CaseStage, CaseStatus, StageStatus

S = StageStatus


class StageConflict(TransitionConflict):
    """The stage is no longer in a status the move starts from (someone else moved it)."""


def _stage_conflict(case_stage: CaseStage) -> StageConflict:
    return StageConflict(
        _("The stage is already %(status)s; reload the page to see its current state.")
        % {"status": S(case_stage.status).label.lower()}
    )


STAGE_TRANSITIONS: Transitions[CaseStage] = Transitions(
    moves={
        S.NOT_STARTED: {"start": S.IN_PROGRESS, "complete": S.DONE, "skip": S.SKIPPED},
        S.IN_PROGRESS: {"complete": S.DONE, "skip": S.SKIPPED},
        S.DONE: {"reopen": S.IN_PROGRESS},
        S.SKIPPED: {"reopen": S.IN_PROGRESS},
    },
    actions={
        "start": ChangeAction.STAGE_START,
        "complete": ChangeAction.STAGE_COMPLETE,
        "skip": ChangeAction.STAGE_SKIP,
        "reopen": ChangeAction.STAGE_REOPEN,
    },
    conflict=_stage_conflict,
)


def _case_conflict(case: Case) -> TransitionConflict:
    return TransitionConflict(
        _("The path is already %(status)s.") % {"status": case.get_status_display()}
    )


CASE_TRANSITIONS: Transitions[Case] = Transitions(
    moves={
        CaseStatus.ACTIVE: {"close": CaseStatus.CLOSED},
        CaseStatus.CLOSED: {"reopen": CaseStatus.ACTIVE},
    },
    actions={"close": ChangeAction.CLOSED, "reopen": ChangeAction.REOPENED},
    conflict=_case_conflict,
)

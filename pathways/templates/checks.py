"""The rules a pathway template's stages must keep, shared by the editor and the import.

Windows of different stages may overlap: services and network cooperation run beside the
plan. What cannot overlap is two stages of the same responsible agency kind that both
act (send a referral, call a network meeting): the client would get the same referral
or meeting twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from agencies.models import AgencyKind
from pathways.models import StageAction
from referrals.events import PathEvent


@dataclass(frozen=True)
class StageSpec:
    """What the checks need of a stage, whether it is a saved row, a form or YAML."""

    name: str
    responsible_kind: str
    window_start: int
    window_end: int
    is_anchor: bool
    action: str
    start_events: Sequence[str] = ()
    complete_events: Sequence[str] = ()


@dataclass(frozen=True)
class StageProblem:
    index: int  # position of the stage in the list given
    field: str
    message: str


def _event_problems(i: int, stage: StageSpec) -> list[StageProblem]:
    """Known events, each named once, and none that would both start and complete the
    stage (completing it says all there is)."""
    problems = []
    for field, events in (
        ("start_events", stage.start_events),
        ("complete_events", stage.complete_events),
    ):
        for event in events:
            if event not in PathEvent.values:
                problems.append(
                    StageProblem(i, field, _("Unknown event “%(event)s”.") % {"event": event})
                )
        if len(set(events)) != len(events):
            problems.append(StageProblem(i, field, _("An event is named twice.")))
    both = [e for e in stage.start_events if e in stage.complete_events]
    if both:
        problems.append(
            StageProblem(
                i,
                "start_events",
                _("“%(event)s” cannot both start and complete the stage.")
                % {"event": PathEvent(both[0]).label if both[0] in PathEvent.values else both[0]},
            )
        )
    return problems


def stage_problems(*, stages: Sequence[StageSpec]) -> list[StageProblem]:
    problems: list[StageProblem] = []
    kinds = set(AgencyKind.values)
    actions = set(StageAction.values)
    for i, stage in enumerate(stages):
        if stage.responsible_kind not in kinds:
            problems.append(
                StageProblem(
                    i,
                    "responsible_kind",
                    _("Unknown agency kind “%(kind)s”.") % {"kind": stage.responsible_kind},
                )
            )
        if stage.action not in actions:
            problems.append(
                StageProblem(
                    i, "action", _("Unknown action “%(action)s”.") % {"action": stage.action}
                )
            )
        problems += _event_problems(i, stage)
        if stage.window_end < stage.window_start:
            problems.append(
                StageProblem(i, "window_end", _("A stage's window cannot close before it opens."))
            )
        if stage.is_anchor and (stage.window_start, stage.window_end) != (0, 0):
            problems.append(
                StageProblem(i, "window_start", _("The anchor stage's window is day 0."))
            )
        if i > 0 and stage.window_start < stages[i - 1].window_start:
            problems.append(
                StageProblem(
                    i,
                    "window_start",
                    _("Stages go in time order: this one opens before “%(previous)s”.")
                    % {"previous": stages[i - 1].name},
                )
            )
    anchors = [i for i, stage in enumerate(stages) if stage.is_anchor]
    for i in anchors[1:]:
        problems.append(StageProblem(i, "is_anchor", _("A path has only one anchor stage.")))
    for i, stage in enumerate(stages):
        if stage.action == StageAction.NONE:
            continue
        for j in range(i):
            other = stages[j]
            if (
                other.action == stage.action
                and other.responsible_kind == stage.responsible_kind
                and other.window_start <= stage.window_end
                and stage.window_start <= other.window_end
            ):
                problems.append(
                    StageProblem(
                        i,
                        "window_start",
                        _(
                            "The window overlaps “%(other)s”, which the same agency kind "
                            "acts in the same way."
                        )
                        % {"other": other.name},
                    )
                )
    return problems

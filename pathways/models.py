"""The pathways app's models, defined in its sub-packages (templates, cases) and imported
here, so that Django finds them and other apps name them as `pathways.models`.
"""

from pathways.cases.models import (
    Case,
    CaseChange,
    CaseEvent,
    CaseOutcome,
    CaseStage,
    CaseStatus,
    ChecklistTick,
    StageStatus,
    case_reference_new,
)
from pathways.templates.models import (
    AnchorKind,
    Audience,
    ChecklistItem,
    PathwayTemplate,
    ReminderRule,
    StageAction,
    StageTemplate,
)

# Defined in the sub-packages; imported here so that Django registers them.
__all__ = [
    "AnchorKind",
    "Audience",
    "Case",
    "CaseChange",
    "CaseEvent",
    "CaseOutcome",
    "CaseStage",
    "CaseStatus",
    "ChecklistItem",
    "ChecklistTick",
    "PathwayTemplate",
    "ReminderRule",
    "StageAction",
    "StageStatus",
    "StageTemplate",
    "case_reference_new",
]

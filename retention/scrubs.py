"""Where each data category's free text and contact details live, as data.

Both the dry run (does this client still hold data of the category?) and the real run
(clear it) read this one table, so that they cannot disagree. A scrub with no category
is text that may hold anything (a referral's message, a stage's reason for skipping):
it goes only when the whole client is anonymised.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q

from history.models import ObjectKind
from meetings.models import ActionItem, Invitee, Meeting
from pathways.models import Case, CaseStage
from plans.models import (
    DOMAIN_CATEGORY,
    Assessment,
    AssessmentEntry,
    FollowUp,
    Outcome,
    PlanAction,
    PlanGoal,
    PlanVersion,
)
from referrals.models import Client, DataCategory, Referral, ReferralEvent

# What a cleared text that must not be empty (a constraint or a required field) becomes.
REDACTED = "–"


def _domains(category: str) -> list[str]:
    return [domain for domain, code in DOMAIN_CATEGORY.items() if code == category]


@dataclass(frozen=True)
class Scrub:
    model: type[models.Model]
    client_path: str  # from the model to the client's id, e.g. "case__client"
    replacements: dict[str, Any]
    category: str | None
    history_kind: str | None = None  # the change history's object, if it has one
    history_id: str = ""  # from the model to that object's public id
    condition: Q = field(default_factory=Q)

    def has_data(self) -> Q:
        """Rows whose scrubbed fields still hold something."""
        holds = Q()
        for name, replacement in self.replacements.items():
            if isinstance(replacement, dict):
                holds |= ~Q(**{name: replacement})
            else:
                holds |= ~Q(**{f"{name}__in": ["", REDACTED]})
        return holds

    def rows(self, client_ids: list[int]) -> "models.QuerySet[Any]":
        return (
            self.model._default_manager.filter(**{f"{self.client_path}__in": client_ids})
            .filter(self.condition)
            .filter(self.has_data())
            .order_by()  # no default ordering in DISTINCT lists of ids
        )


C = DataCategory
SCRUBS: tuple[Scrub, ...] = (
    Scrub(
        Client,
        "pk",
        {"phone": "", "email": "", "address": ""},
        C.CONTACT,
        ObjectKind.CLIENT,
        "public_id",
    ),
    Scrub(
        Invitee,
        "meeting__case__client",
        {"name": "", "email": ""},
        C.CONTACT,
        ObjectKind.MEETING,
        "meeting__public_id",
        Q(is_client=True),
    ),
    Scrub(
        AssessmentEntry,
        "assessment__case__client",
        {"note": ""},
        C.HEALTH,
        ObjectKind.ASSESSMENT,
        "assessment__public_id",
        Q(domain__in=_domains(C.HEALTH)),
    ),
    Scrub(
        AssessmentEntry,
        "assessment__case__client",
        {"note": ""},
        C.SERVICE_NEEDS,
        ObjectKind.ASSESSMENT,
        "assessment__public_id",
        Q(domain__in=_domains(C.SERVICE_NEEDS)),
    ),
    Scrub(
        Assessment,
        "case__client",
        {"summary": "", "suggested_services": ""},
        C.SERVICE_NEEDS,
        ObjectKind.ASSESSMENT,
        "public_id",
    ),
    Scrub(
        PlanGoal,
        "plan__case__client",
        {"text": REDACTED},
        C.EMPLOYMENT_PLAN,
        ObjectKind.PLAN,
        "plan__public_id",
    ),
    Scrub(
        PlanAction,
        "plan__case__client",
        {"text": REDACTED},
        C.EMPLOYMENT_PLAN,
        ObjectKind.PLAN,
        "plan__public_id",
    ),
    Scrub(
        PlanVersion,
        "plan__case__client",
        {"content": {}},
        C.EMPLOYMENT_PLAN,
        ObjectKind.PLAN,
        "plan__public_id",
    ),
    Scrub(
        Outcome, "case__client", {"note": ""}, C.EMPLOYMENT_PLAN, ObjectKind.CASE, "case__public_id"
    ),
    Scrub(
        FollowUp,
        "case__client",
        {"note": ""},
        C.EMPLOYMENT_PLAN,
        ObjectKind.CASE,
        "case__public_id",
    ),
    # A reasonableness outcome must keep a note (a constraint): it becomes REDACTED.
    Scrub(
        Case, "client", {"outcome_note": REDACTED}, C.EMPLOYMENT_PLAN, ObjectKind.CASE, "public_id"
    ),
    Scrub(
        Meeting,
        "case__client",
        {"agenda": "", "minutes": "", "decisions": ""},
        C.EMPLOYMENT_PLAN,
        ObjectKind.MEETING,
        "public_id",
    ),
    Scrub(
        ActionItem,
        "meeting__case__client",
        {"text": REDACTED},
        C.EMPLOYMENT_PLAN,
        ObjectKind.MEETING,
        "meeting__public_id",
    ),
    # Free text of any content: only with the whole client.
    Scrub(Referral, "client", {"message": ""}, None, ObjectKind.REFERRAL, "public_id"),
    # A returned referral must keep a reason (a constraint): it becomes REDACTED.
    Scrub(Referral, "client", {"return_reason": REDACTED}, None, ObjectKind.REFERRAL, "public_id"),
    Scrub(
        ReferralEvent,
        "referral__client",
        {"note": ""},
        None,
        ObjectKind.REFERRAL,
        "referral__public_id",
    ),
    Scrub(
        CaseStage,
        "case__client",
        {"skip_reason": REDACTED},
        None,
        ObjectKind.CASE,
        "case__public_id",
    ),
    Scrub(Meeting, "case__client", {"title": REDACTED}, None, ObjectKind.MEETING, "public_id"),
)


def scrubs_for(categories: set[str] | None) -> list[Scrub]:
    """The scrubs of these categories; None means every scrub (the whole client)."""
    if categories is None:
        return list(SCRUBS)
    return [scrub for scrub in SCRUBS if scrub.category in categories]

"""Kela's social-assistance guidance path (docs/design.md §4): Kela's instruction is the anchor,
the client has one month to apply for primary benefits and register as a full-time job
seeker, and Kela refers them to the employment area. Polku carries the path and records
the outcome; it decides no benefits."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, User
from core.dates import today
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from pathways.cases.reactions import case_event_react
from pathways.cases.selectors import template_latest
from pathways.cases.services import _case_start
from pathways.models import Case, CaseOutcome, CaseStatus, PathwayTemplate
from referrals.events import PathEvent
from referrals.models import Client

# An instruction older than this is past its own one-month deadline.
INSTRUCTION_MAX_AGE = timedelta(days=31)


def kela_guidance_active(*, client: Client) -> Case | None:
    return Case.objects.filter(
        client=client, template__code=PathwayTemplate.KELA_GUIDANCE, status=CaseStatus.ACTIVE
    ).first()


@transaction.atomic
def kela_guidance_start(*, agency: Agency, user: User, client: Client, instructed_on: date) -> Case:
    """Start the guidance path from Kela's instruction; a client already on it gets the
    running case back rather than a second one."""
    if agency.kind != AgencyKind.KELA:
        raise ValidationError(_("Only Kela starts the guidance path."))
    now = today()
    if instructed_on > now:
        raise ValidationError({"instructed_on": _("The instruction date cannot be in the future.")})
    if instructed_on < now - INSTRUCTION_MAX_AGE:
        raise ValidationError(
            {"instructed_on": _("The instruction is over a month old: its deadline has passed.")}
        )
    # Lock the client row so two clicks cannot start two paths.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    running = kela_guidance_active(client=client)
    if running is not None:
        return running
    return _case_start(
        client=client,
        template=template_latest(code=PathwayTemplate.KELA_GUIDANCE),
        agency=agency,
        user=user,
        anchor_date=instructed_on,
    )


def outcome_may_record(*, case: Case, agency: Agency) -> bool:
    """Kela, which started the path, or the employment area that registers the client."""
    return case.template.code == PathwayTemplate.KELA_GUIDANCE and (
        agency.pk == case.started_by_id or case.stages.filter(responsible_agency=agency).exists()
    )


@transaction.atomic
def case_outcome_record(*, case: Case, agency: Agency, user: User, outcome: str, note: str) -> Case:
    if not outcome_may_record(case=case, agency=agency):
        raise ValidationError(_("Your agency does not record this path's outcome."))
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    note = note.strip()
    if outcome == CaseOutcome.REASONABLENESS and not note:
        raise ValidationError(
            {
                "note": ValidationError(
                    _("Describe the reasonableness considerations."), code="required"
                )
            }
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.outcome = outcome
    case.outcome_note = note
    case.outcome_recorded_at = timezone.now()
    case.save(update_fields=["outcome", "outcome_note", "outcome_recorded_at"])
    change_record(
        kind=ObjectKind.CASE,
        object_id=case.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.OUTCOME_RECORDED,
        fields=["outcome", *(["outcome_note"] if note else [])],
    )
    if outcome == CaseOutcome.REGISTERED:
        case_event_react(
            case=case, event=PathEvent.KELA_REGISTRATION_RECORDED, user=user, agency=agency
        )
    case_event_react(case=case, event=PathEvent.OUTCOME_RECORDED, user=user, agency=agency)
    return case

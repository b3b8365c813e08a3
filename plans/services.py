"""Writes of assessments, plans and outcomes. Each function is one transaction, checks
who may make the change (plans.selectors.PlanRights) and records it in the history.

A plan action's status changes only along ACTION_TRANSITIONS (history.transitions); the
assessment is completed and reopened by named transitions; a plan version, once frozen, is
never changed.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from core.dates import today
from core.formats import date_text
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from history.transitions import Recorded, TransitionConflict, Transitions, transition_apply
from pathways.cases.reactions import case_event_react
from pathways.cases.services import years_ahead
from pathways.models import Case
from plans.models import (
    ActionStatus,
    Assessment,
    AssessmentEntry,
    Domain,
    EmployerType,
    EmploymentPlan,
    FollowUp,
    NeedLevel,
    Outcome,
    OutcomeKind,
    PlanAction,
    PlanGoal,
    PlanSignOff,
    PlanVersion,
)
from plans.selectors import (
    OPEN_ACTION,
    PlanRights,
    client_agencies,
    follow_up_due_on,
    plan_rights_for,
    plan_snapshot,
    version_signatory_ids,
)
from referrals.events import PathEvent

TEXT_MAX = 2000
ORIGIN_MAX = 200
ACTION_MAX_YEARS = 2
HOURS_MIN, HOURS_MAX = Decimal(0), Decimal(80)

A = ActionStatus


class PlanConflict(TransitionConflict):
    """Someone else changed the object first."""


def _action_conflict(action: PlanAction) -> PlanConflict:
    return PlanConflict(
        _("The action is already %(status)s; reload the page to see its current state.")
        % {"status": A(action.status).label.lower()}
    )


ACTION_TRANSITIONS: Transitions[PlanAction] = Transitions(
    moves={
        A.PLANNED: {"start": A.IN_PROGRESS, "complete": A.DONE, "cancel": A.CANCELLED},
        A.IN_PROGRESS: {"complete": A.DONE, "cancel": A.CANCELLED},
        A.DONE: {"reopen": A.IN_PROGRESS},
        A.CANCELLED: {"reopen": A.PLANNED},
    },
    actions={
        "start": ChangeAction.ACTION_START,
        "complete": ChangeAction.ACTION_COMPLETE,
        "cancel": ChangeAction.ACTION_CANCEL,
        "reopen": ChangeAction.ACTION_REOPEN,
    },
    conflict=_action_conflict,
)
# The order the plan page shows an action's buttons in.
ACTION_MOVES = ("start", "complete", "cancel", "reopen")


def _rights(*, case: Case, agency: Agency, user: User) -> PlanRights:
    rights = plan_rights_for(case=case, agency=agency, user=user)
    if rights is None:
        raise PermissionDenied
    return rights


def _lock_case(case: Case) -> None:
    """Serialise the writes that create a case's one assessment or plan."""
    Case.objects.select_for_update().filter(pk=case.pk).first()


def _text(value: str, *, name: str, required: bool, limit: int = TEXT_MAX) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({name: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({name: _("Write at most %(limit)d characters.") % {"limit": limit}})
    return value


# Assessment ----------------------------------------------------------------------------


def _assessment_locked(case: Case) -> tuple[Assessment, bool]:
    _lock_case(case)
    assessment, created = Assessment.objects.get_or_create(case=case)
    return Assessment.objects.select_for_update().get(pk=assessment.pk), created


def _not_completed(assessment: Assessment) -> None:
    if assessment.completed_at is not None:
        raise PlanConflict(
            _("The assessment is completed; reopen it to change it."), code="completed"
        )


@transaction.atomic
def assessment_entries_save(
    *, case: Case, user: User, agency: Agency, entries: dict[str, tuple[str, str]]
) -> Assessment:
    """Save the agency's own part: domain -> (need level, note). A domain with neither is
    removed from the agency's part. Errors are keyed `need_<domain>` and `note_<domain>`.
    Another agency's entries are never touched."""
    _rights(case=case, agency=agency, user=user)
    errors: dict[str, str] = {}
    cleaned: dict[str, tuple[str, str]] = {}
    for domain, (need, note) in entries.items():
        if domain not in Domain.values:
            raise ValidationError(_("Unknown domain."))
        note = note.strip()
        if need and need not in NeedLevel.values:
            errors[f"need_{domain}"] = _("Choose a need level.")
        elif note and not need:
            errors[f"need_{domain}"] = _("Choose the need level for your note.")
        elif len(note) > TEXT_MAX:
            errors[f"note_{domain}"] = _("Write at most %(limit)d characters.") % {
                "limit": TEXT_MAX
            }
        cleaned[domain] = (need, note)
    if errors:
        raise ValidationError(errors)
    assessment, created = _assessment_locked(case)
    _not_completed(assessment)
    own = {
        e.domain: e for e in AssessmentEntry.objects.filter(assessment=assessment, agency=agency)
    }
    changed: list[str] = []
    for domain, (need, note) in cleaned.items():
        entry = own.get(domain)
        if not need:
            if entry is not None:
                entry.delete()
                changed += [f"{domain}.need", f"{domain}.note"]
            continue
        if entry is None:
            AssessmentEntry.objects.create(
                assessment=assessment,
                agency=agency,
                domain=domain,
                need=need,
                note=note,
                author=user,
            )
            changed += [f"{domain}.need", *([f"{domain}.note"] if note else [])]
        elif (entry.need, entry.note) != (need, note):
            changed += [
                name
                for name, differs in (
                    (f"{domain}.need", entry.need != need),
                    (f"{domain}.note", entry.note != note),
                )
                if differs
            ]
            entry.need, entry.note, entry.author = need, note, user
            entry.save(update_fields=["need", "note", "author", "updated_at"])
    if created:
        change_record(
            kind=ObjectKind.ASSESSMENT,
            object_id=assessment.public_id,
            user=user,
            agency=agency,
            action=ChangeAction.CREATED,
        )
    if changed:
        assessment.save(update_fields=["updated_at"])
        change_record(
            kind=ObjectKind.ASSESSMENT,
            object_id=assessment.public_id,
            user=user,
            agency=agency,
            action=ChangeAction.ENTRIES_SAVED,
            fields=changed,
        )
    return assessment


@transaction.atomic
def assessment_summary_save(
    *,
    case: Case,
    user: User,
    agency: Agency,
    summary: str,
    suggested_services: str,
    suggested_agencies: list[Agency],
) -> Assessment:
    rights = _rights(case=case, agency=agency, user=user)
    if not rights.edits_summary:
        raise PermissionDenied
    summary = _text(summary, name="summary", required=False)
    suggested_services = _text(suggested_services, name="suggested_services", required=False)
    if any(not a.is_active for a in suggested_agencies):
        raise ValidationError({"suggested_agencies": _("Choose agencies that are in use.")})
    assessment, created = _assessment_locked(case)
    _not_completed(assessment)
    before = set(assessment.suggested_agencies.values_list("pk", flat=True))
    changed = [
        name
        for name, differs in (
            ("summary", assessment.summary != summary),
            ("suggested_services", assessment.suggested_services != suggested_services),
            ("suggested_agencies", before != {a.pk for a in suggested_agencies}),
        )
        if differs
    ]
    if not changed and not created:
        return assessment
    assessment.summary, assessment.suggested_services = summary, suggested_services
    assessment.save(update_fields=["summary", "suggested_services", "updated_at"])
    assessment.suggested_agencies.set(suggested_agencies)
    change_record(
        kind=ObjectKind.ASSESSMENT,
        object_id=assessment.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.SUMMARY_SAVED,
        fields=changed,
    )
    return assessment


def _assessment_move(*, case: Case, user: User, agency: Agency, complete: bool) -> Assessment:
    rights = _rights(case=case, agency=agency, user=user)
    if not rights.edits_summary:
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().filter(case=case).first()
    if assessment is None:
        raise ValidationError(_("Nothing has been assessed yet."), code="empty")
    if complete:
        _not_completed(assessment)
        if not assessment.entries.exists():
            raise ValidationError(_("Nothing has been assessed yet."), code="empty")
        if not assessment.summary:
            raise ValidationError(
                {"summary": _("Write the summary of needs before completing the assessment.")}
            )
        assessment.completed_at = timezone.now()
    else:
        if assessment.completed_at is None:
            raise PlanConflict(_("The assessment is not completed."), code="not_completed")
        assessment.completed_at = None
    assessment.save(update_fields=["completed_at", "updated_at"])
    change_record(
        kind=ObjectKind.ASSESSMENT,
        object_id=assessment.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.COMPLETED if complete else ChangeAction.REOPENED,
        fields=["completed_at"],
    )
    return assessment


@transaction.atomic
def assessment_complete(*, case: Case, user: User, agency: Agency) -> Assessment:
    """The employment area or a coordinator closes the assessment with its summary."""
    assessment = _assessment_move(case=case, user=user, agency=agency, complete=True)
    case_event_react(case=case, event=PathEvent.ASSESSMENT_COMPLETED, user=user, agency=agency)
    return assessment


@transaction.atomic
def assessment_reopen(*, case: Case, user: User, agency: Agency) -> Assessment:
    return _assessment_move(case=case, user=user, agency=agency, complete=False)


# Plan ----------------------------------------------------------------------------------


def _editor(*, plan: EmploymentPlan, user: User, agency: Agency) -> PlanRights:
    rights = _rights(case=plan.case, agency=agency, user=user)
    if not rights.edits_plan:
        raise PermissionDenied
    return rights


def _plan_locked(plan: EmploymentPlan) -> EmploymentPlan:
    locked = EmploymentPlan.objects.select_for_update().get(pk=plan.pk)
    locked.case = plan.case
    return locked


def _record(
    obj: EmploymentPlan | Case, user: User, agency: Agency, action: ChangeAction, fields: list[str]
) -> None:
    """The change record of a plan, or of its case (the outcome and the follow-ups)."""
    change_record(
        kind=ObjectKind.PLAN if isinstance(obj, EmploymentPlan) else ObjectKind.CASE,
        object_id=obj.public_id,
        user=user,
        agency=agency,
        action=action,
        fields=fields,
    )


@transaction.atomic
def plan_start(*, case: Case, user: User, agency: Agency) -> EmploymentPlan:
    """Start the case's employment plan today (the employment area or a coordinator); a
    plan already started is returned as it is."""
    rights = _rights(case=case, agency=agency, user=user)
    if not rights.edits_plan:
        raise PermissionDenied
    _lock_case(case)
    existing = EmploymentPlan.objects.filter(case=case).first()
    if existing is not None:
        return existing
    plan = EmploymentPlan.objects.create(case=case, started_on=today())
    _record(plan, user, agency, ChangeAction.CREATED, ["started_on"])
    return plan


@transaction.atomic
def plan_goal_add(*, plan: EmploymentPlan, text: str, user: User, agency: Agency) -> PlanGoal:
    _editor(plan=plan, user=user, agency=agency)
    text = _text(text, name="text", required=True)
    plan = _plan_locked(plan)
    last = plan.goals.order_by("-order").values_list("order", flat=True).first() or 0
    goal = PlanGoal.objects.create(plan=plan, order=last + 1, text=text)
    plan.save(update_fields=["updated_at"])
    _record(plan, user, agency, ChangeAction.GOAL_ADDED, ["goals"])
    return goal


@transaction.atomic
def plan_goal_remove(*, goal: PlanGoal, user: User, agency: Agency) -> None:
    """Remove a goal; its actions stay in the plan without a goal. Versions keep it."""
    plan = goal.plan
    _editor(plan=plan, user=user, agency=agency)
    plan = _plan_locked(plan)
    PlanGoal.objects.filter(pk=goal.pk).delete()
    plan.save(update_fields=["updated_at"])
    _record(plan, user, agency, ChangeAction.GOAL_REMOVED, ["goals"])


@transaction.atomic
def plan_action_add(
    *,
    plan: EmploymentPlan,
    text: str,
    owner_agency: Agency,
    due_on: date,
    origin: str,
    user: User,
    agency: Agency,
    goal: PlanGoal | None = None,
) -> PlanAction:
    """Add an action to the plan with the agency that answers for it and its due date.

    `origin` says where it came from (e.g. "Network meeting 4.12.2026"). The owner must be
    an agency that may see the client: it gets reminded of the action and opens the plan.
    """
    _editor(plan=plan, user=user, agency=agency)
    errors: dict[str, str] = {}
    try:
        text = _text(text, name="text", required=True)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        origin = _text(origin, name="origin", required=False, limit=ORIGIN_MAX)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    now = today()
    if due_on < now:
        errors["due_on"] = _("The due date cannot be in the past.")
    elif due_on > years_ahead(day=now, years=ACTION_MAX_YEARS):
        errors["due_on"] = _("The due date must be within two years from today.")
    if not client_agencies(case=plan.case).filter(pk=owner_agency.pk).exists():
        errors["owner_agency"] = _(
            "This agency may not see the client's data. Refer the client to it first."
        )
    if goal is not None and goal.plan_id != plan.pk:
        errors["goal"] = _("Choose a goal of this plan.")
    if errors:
        raise ValidationError(errors)
    plan = _plan_locked(plan)
    action = PlanAction.objects.create(
        plan=plan,
        goal=goal,
        text=text,
        owner_agency=owner_agency,
        due_on=due_on,
        origin=origin,
        created_by=user,
    )
    plan.save(update_fields=["updated_at"])
    _record(plan, user, agency, ChangeAction.ACTION_ADDED, ["actions"])
    return action


def _action_move(*, action: PlanAction, move: str, user: User, agency: Agency) -> PlanAction:
    """Make the named move if the action's status allows it now; of two racing moves from
    the same status exactly one wins. The owner agency and the plan's editors move it."""
    plan = action.plan
    rights = _rights(case=plan.case, agency=agency, user=user)
    if not rights.moves_action(action.owner_agency_id):
        raise PermissionDenied
    return transition_apply(
        transitions=ACTION_TRANSITIONS,
        obj=action,
        move=move,
        user=user,
        agency=agency,
        recorded=Recorded(
            kind=ObjectKind.PLAN, object_id=plan.public_id, fields=["actions.status"]
        ),
    )


@transaction.atomic
def plan_action_start(*, action: PlanAction, user: User, agency: Agency) -> PlanAction:
    return _action_move(action=action, move="start", user=user, agency=agency)


@transaction.atomic
def plan_action_complete(*, action: PlanAction, user: User, agency: Agency) -> PlanAction:
    return _action_move(action=action, move="complete", user=user, agency=agency)


@transaction.atomic
def plan_action_cancel(*, action: PlanAction, user: User, agency: Agency) -> PlanAction:
    return _action_move(action=action, move="cancel", user=user, agency=agency)


@transaction.atomic
def plan_action_reopen(*, action: PlanAction, user: User, agency: Agency) -> PlanAction:
    return _action_move(action=action, move="reopen", user=user, agency=agency)


def plan_action_allowed_moves(*, action: PlanAction, rights: PlanRights) -> tuple[str, ...]:
    if not rights.moves_action(action.owner_agency_id):
        return ()
    allowed = ACTION_TRANSITIONS.allowed(action.status)
    return tuple(move for move in ACTION_MOVES if move in allowed)


# Sign-off rounds -----------------------------------------------------------------------


@transaction.atomic
def plan_version_freeze(*, plan: EmploymentPlan, user: User, agency: Agency) -> PlanVersion:
    """Start a sign-off round: freeze the goals and actions as the next version, to be
    signed off by the owners of the open actions and the employment area that leads the
    plan. An earlier version still waiting for sign-offs is replaced by this one."""
    rights = _editor(plan=plan, user=user, agency=agency)
    plan = _plan_locked(plan)
    goals = list(plan.goals.order_by("order"))
    if not goals:
        raise ValidationError(_("Write at least one goal before the sign-off round."))
    actions = list(plan.actions.select_related("owner_agency").order_by("due_on", "pk"))
    signers = {a.owner_agency_id: a.owner_agency for a in actions if a.status in OPEN_ACTION}
    lead = Agency.objects.filter(pk=rights.lead_id).first() if rights.lead_id else None
    leader = lead or agency
    signatories = [
        leader,
        *sorted((a for pk, a in signers.items() if pk != leader.pk), key=lambda a: a.name_fi),
    ]
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        content=plan_snapshot(plan=plan, goals=goals, actions=actions, signatories=signatories),
        created_by=user,
    )
    _record(plan, user, agency, ChangeAction.VERSION_FROZEN, ["versions"])
    return version


@transaction.atomic
def plan_sign_off(*, version: PlanVersion, user: User, agency: Agency) -> PlanSignOff:
    """The agency signs off the newest version. When the last signatory signs, the plan
    counts as reviewed today (Act 381/2023 §6)."""
    plan = version.plan
    _rights(case=plan.case, agency=agency, user=user)
    plan = _plan_locked(plan)
    newest = plan.versions.order_by("-number").values_list("number", flat=True).first()
    if newest != version.number:
        raise PlanConflict(
            _("A newer version has been made; sign that one off instead."), code="superseded"
        )
    required = version_signatory_ids(version)
    if agency.pk not in required:
        raise PermissionDenied
    if PlanSignOff.objects.filter(version=version, agency=agency).exists():
        raise PlanConflict(_("Your agency has already signed off this version."), code="twice")
    signoff = PlanSignOff.objects.create(version=version, agency=agency, user=user)
    fields = ["signoffs"]
    signed = set(PlanSignOff.objects.filter(version=version).values_list("agency_id", flat=True))
    complete = required <= signed
    # The first version signed by all is the plan agreed; each later one is a review.
    event = PathEvent.PLAN_SIGNED if plan.reviewed_on is None else PathEvent.PLAN_REVIEWED
    if complete:
        plan.reviewed_on = today()
        plan.save(update_fields=["reviewed_on", "updated_at"])
        fields.append("reviewed_on")
    _record(plan, user, agency, ChangeAction.SIGNED_OFF, fields)
    if complete:
        case_event_react(case=plan.case, event=event, user=user, agency=agency)
    return signoff


# Outcomes ------------------------------------------------------------------------------


def _outcome_editor(*, case: Case, user: User, agency: Agency) -> None:
    if not _rights(case=case, agency=agency, user=user).edits_plan:
        raise PermissionDenied


@transaction.atomic
def outcome_record(
    *,
    case: Case,
    user: User,
    agency: Agency,
    kind: str,
    employer_type: str = "",
    hours_per_week: Decimal | None = None,
    start_date: date | None = None,
    note: str = "",
) -> Outcome:
    """What came of the path. Employment needs the employer type and start date."""
    _outcome_editor(case=case, user=user, agency=agency)
    errors: dict[str, Any] = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = _("Choose an outcome.")
    if employer_type and employer_type not in EmployerType.values:
        errors["employer_type"] = _("Choose an employer type.")
    if kind == OutcomeKind.EMPLOYMENT:
        if not employer_type:
            errors["employer_type"] = _("Employment needs the employer type.")
        if start_date is None:
            errors["start_date"] = _("Employment needs the start date.")
    elif employer_type:
        errors["employer_type"] = _("Only employment has an employer type.")
    if hours_per_week is not None and not HOURS_MIN < hours_per_week <= HOURS_MAX:
        errors["hours_per_week"] = _("Hours per week are more than 0 and at most 80.")
    if start_date is not None and start_date > years_ahead(day=today(), years=1):
        errors["start_date"] = _("The start date must be within a year from today.")
    try:
        note = _text(note, name="note", required=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    outcome = Outcome.objects.create(
        case=case,
        kind=kind,
        employer_type=employer_type,
        hours_per_week=hours_per_week,
        start_date=start_date,
        note=note,
        recorded_by=user,
        recorded_agency=agency,
    )
    fields = [
        name
        for name, value in (
            ("outcome", kind),
            ("employer_type", employer_type),
            ("hours_per_week", hours_per_week),
            ("start_date", start_date),
            ("outcome_note", note),
        )
        if value
    ]
    _record(case, user, agency, ChangeAction.OUTCOME_RECORDED, fields)
    case_event_react(case=case, event=PathEvent.OUTCOME_RECORDED, user=user, agency=agency)
    return outcome


@transaction.atomic
def follow_up_record(
    *, case: Case, user: User, agency: Agency, months: int, still_holds: bool, note: str = ""
) -> FollowUp:
    """Whether the outcome still holds 3, 6 or 12 months after release: once each, and not
    before its time."""
    _outcome_editor(case=case, user=user, agency=agency)
    if months not in FollowUp.MONTHS:
        raise ValidationError({"months": _("Choose 3, 6 or 12 months.")})
    note = _text(note, name="note", required=False)
    _lock_case(case)
    if not Outcome.objects.filter(case=case).exists():
        raise ValidationError(_("Record the outcome before its follow-up."), code="no_outcome")
    due = follow_up_due_on(case=case, months=months)
    if today() < due:
        raise ValidationError(
            {"months": _("This follow-up can be recorded from %(day)s.") % {"day": date_text(due)}}
        )
    if FollowUp.objects.filter(case=case, months=months).exists():
        raise ValidationError({"months": _("This follow-up has already been recorded.")})
    follow_up = FollowUp.objects.create(
        case=case,
        months=months,
        still_holds=still_holds,
        note=note,
        checked_by=user,
        checked_agency=agency,
    )
    _record(case, user, agency, ChangeAction.FOLLOW_UP_RECORDED, ["follow_ups"])
    return follow_up

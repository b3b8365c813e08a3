"""The employment plan page of a case, its versions and sign-offs, and the outcome and
follow-up forms. Changes are plain form posts that redirect back; a refused one renders
the page again with the error where it belongs."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import AuthenticatedRequest, client_work_agency
from core.dates import today
from pathways.models import Case
from plans.forms import ActionForm, FollowUpForm, GoalForm, OutcomeForm
from plans.models import PLAN_CATEGORY, EmploymentPlan, PlanAction, PlanGoal
from plans.selectors import (
    OPEN_ACTION,
    PlanRights,
    VersionView,
    client_agencies,
    follow_ups_of,
    follow_ups_open,
    outcomes_of,
    plan_action_for_agency,
    plan_due_on,
    plan_for_agency,
    plan_of,
    plan_review_due_on,
    plan_version_for_agency,
    version_view,
)
from plans.services import (
    follow_up_record,
    outcome_record,
    plan_action_add,
    plan_action_allowed_moves,
    plan_action_cancel,
    plan_action_complete,
    plan_action_reopen,
    plan_action_start,
    plan_goal_add,
    plan_goal_remove,
    plan_sign_off,
    plan_start,
    plan_version_freeze,
)
from plans.views import acting_role, case_rights, failure_status, log_use
from referrals.models import LogPurpose


@dataclass(frozen=True)
class ActionRow:
    action: PlanAction
    moves: tuple[str, ...]
    overdue: bool


def _goal_form_or_new(form: GoalForm | None) -> GoalForm:
    return form if form is not None else GoalForm()


def plan_page(
    request: AuthenticatedRequest,
    case: Case,
    rights: PlanRights,
    *,
    goal_form: GoalForm | None = None,
    action_form: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The plan as the acting agency may see it, with the forms it may use."""
    plan = plan_of(case=case)
    day = today()
    goals = list(plan.goals.all()) if plan and rights.sees_plan else []
    all_actions = list(plan.actions.all()) if plan else []
    actions = [
        ActionRow(
            action=a,
            moves=plan_action_allowed_moves(action=a, rights=rights),
            overdue=a.due_on < day and a.status in OPEN_ACTION,
        )
        for a in all_actions
        if rights.sees_action(a.owner_agency_id)
    ]
    versions = list(plan.versions.all()) if plan else []
    latest: VersionView | None = (
        version_view(version=versions[0], rights=rights) if versions else None
    )
    outcomes = outcomes_of(case=case) if rights.sees_plan else []
    follow_ups = follow_ups_of(case=case) if rights.sees_plan else []
    editing = plan is not None and rights.edits_plan
    if editing and action_form is None:
        action_form = ActionForm(goals=goals, agencies=client_agencies(case=case))
    shown = {PLAN_CATEGORY} if (goals or actions or outcomes or latest) else set()
    log_use(request, case, rights, shown, LogPurpose.PLAN)
    return render(
        request,
        "plans/plan.html",
        {
            "case": case,
            "access": rights.access,
            "rights": rights,
            "plan": plan,
            "goals": goals,
            "actions": actions,
            "hidden_actions": len(actions) < len(all_actions),
            "latest": latest,
            "may_sign": latest is not None
            and any(
                s.agency_id == rights.agency.pk and s.signoff is None for s in latest.signatories
            ),
            "due_on": plan_due_on(plan=plan) if plan and plan.reviewed_on is None else None,
            "review_on": plan_review_due_on(plan=plan) if plan else None,
            "today": day,
            "outcomes": outcomes,
            "follow_ups": follow_ups,
            "follow_ups_open": follow_ups_open(
                case=case, today=day, done={f.months for f in follow_ups}
            )
            if outcomes and rights.edits_plan
            else [],
            "goal_form": _goal_form_or_new(goal_form) if editing else None,
            "action_form": action_form if editing else None,
            "plan_reason": rights.withheld_reason,
            "error": error,
        },
        status=status,
    )


def _back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("case-plan", args=[case.public_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def plan_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    return plan_page(request, case, rights)


@login_required
@require_POST
def plan_start_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    plan_start(case=case, user=request.user, agency=rights.agency)
    messages.success(request, _("The employment plan was started."))
    return _back(case)


def _plan(
    request: AuthenticatedRequest, public_id: UUID
) -> tuple[Case, PlanRights, EmploymentPlan]:
    return plan_for_agency(
        agency=client_work_agency(request), public_id=public_id, role=acting_role(request)
    )


@login_required
@require_POST
def plan_goal_add_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights, plan = _plan(request, public_id)
    if not rights.edits_plan:
        raise PermissionDenied
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            plan_goal_add(
                plan=plan, text=form.cleaned_data["text"], user=request.user, agency=rights.agency
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The goal was added."))
            return _back(case, "goals")
    return plan_page(request, case, rights, goal_form=form, status=400)


@login_required
@require_POST
def plan_goal_remove_view(
    request: AuthenticatedRequest, public_id: UUID, goal_pk: int
) -> HttpResponse:
    case, rights, plan = _plan(request, public_id)
    if not rights.sees_plan:
        raise Http404
    goal = get_object_or_404(PlanGoal, plan=plan, pk=goal_pk)
    goal.plan = plan
    plan_goal_remove(goal=goal, user=request.user, agency=rights.agency)
    messages.success(request, _("The goal was removed."))
    return _back(case, "goals")


@login_required
@require_POST
def plan_action_add_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights, plan = _plan(request, public_id)
    if not rights.edits_plan:
        raise PermissionDenied
    goals = list(plan.goals.order_by("order"))
    form = ActionForm(request.POST, goals=goals, agencies=client_agencies(case=case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_action_add(
                plan=plan,
                text=data["text"],
                owner_agency=data["owner_agency"],
                due_on=data["due_on"],
                origin="",
                user=request.user,
                agency=rights.agency,
                goal=next((g for g in goals if g.pk == data["goal"]), None),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action was added."))
            return _back(case, "actions")
    return plan_page(request, case, rights, action_form=form, status=400)


ACTION_MOVES = {
    "start": plan_action_start,
    "complete": plan_action_complete,
    "cancel": plan_action_cancel,
    "reopen": plan_action_reopen,
}


@login_required
@require_POST
def plan_action_move(
    request: AuthenticatedRequest, public_id: UUID, action_id: UUID, move: str
) -> HttpResponse:
    """Start, complete, cancel or reopen an action (its owner agency or the plan's editors)."""
    case, rights, action = plan_action_for_agency(
        agency=client_work_agency(request),
        public_id=public_id,
        action_id=action_id,
        role=acting_role(request),
    )
    transition = ACTION_MOVES.get(move)
    if transition is None:
        raise Http404
    try:
        action = transition(action=action, user=request.user, agency=rights.agency)
    except ValidationError as error:
        return plan_page(
            request, case, rights, error=" ".join(error.messages), status=failure_status(error)
        )
    messages.success(
        request,
        _("Saved: the action is now %(status)s.") % {"status": action.get_status_display().lower()},
    )
    return _back(case, f"action-{action.public_id}")


# Versions ------------------------------------------------------------------------------


@login_required
@require_POST
def plan_version_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Start a sign-off round: freeze the plan as its next version."""
    case, rights, plan = _plan(request, public_id)
    try:
        version = plan_version_freeze(plan=plan, user=request.user, agency=rights.agency)
    except ValidationError as error:
        return plan_page(
            request, case, rights, error=" ".join(error.messages), status=failure_status(error)
        )
    messages.success(
        request,
        _("Version %(number)d was made; the agencies can now sign it off.")
        % {"number": version.number},
    )
    return redirect("plan-version", public_id=case.public_id, number=version.number)


@login_required
def plan_versions(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Every version of the plan, newest first, with its sign-offs."""
    case, rights = case_rights(request, public_id)
    plan = plan_of(case=case)
    views = [version_view(version=v, rights=rights) for v in plan.versions.all()] if plan else []
    log_use(request, case, rights, set(), LogPurpose.PLAN)
    return render(
        request,
        "plans/version_list.html",
        {"case": case, "access": rights.access, "plan": plan, "versions": views},
    )


def version_page(
    request: AuthenticatedRequest,
    case: Case,
    rights: PlanRights,
    view: VersionView,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    newest = view.version.plan.versions.order_by("-number").values_list("number", flat=True)
    is_newest = newest.first() == view.version.number
    shown = {PLAN_CATEGORY} if (view.goals or view.actions) else set()
    log_use(request, case, rights, shown, LogPurpose.PLAN)
    return render(
        request,
        "plans/version_detail.html",
        {
            "case": case,
            "access": rights.access,
            "view": view,
            "is_newest": is_newest,
            "may_sign": is_newest
            and any(
                s.agency_id == rights.agency.pk and s.signoff is None for s in view.signatories
            ),
            "plan_reason": rights.withheld_reason,
            "error": error,
        },
        status=status,
    )


@login_required
def plan_version_detail(
    request: AuthenticatedRequest, public_id: UUID, number: int
) -> HttpResponse:
    """A frozen version as it was signed off, readable however the plan has changed since."""
    case, rights, version = plan_version_for_agency(
        agency=client_work_agency(request),
        public_id=public_id,
        number=number,
        role=acting_role(request),
    )
    return version_page(request, case, rights, version_view(version=version, rights=rights))


@login_required
@require_POST
def plan_sign_off_view(request: AuthenticatedRequest, public_id: UUID, number: int) -> HttpResponse:
    case, rights, version = plan_version_for_agency(
        agency=client_work_agency(request),
        public_id=public_id,
        number=number,
        role=acting_role(request),
    )
    try:
        plan_sign_off(version=version, user=request.user, agency=rights.agency)
    except ValidationError as error:
        return version_page(
            request,
            case,
            rights,
            version_view(version=version, rights=rights),
            error=" ".join(error.messages),
            status=failure_status(error),
        )
    messages.success(
        request,
        _("Your agency signed off version %(number)d.") % {"number": version.number},
    )
    return redirect("plan-version", public_id=case.public_id, number=version.number)


# Outcomes ------------------------------------------------------------------------------


def _outcome_rights(request: AuthenticatedRequest, public_id: UUID) -> tuple[Case, PlanRights]:
    case, rights = case_rights(request, public_id)
    if not rights.edits_plan:
        raise PermissionDenied
    return case, rights


@login_required
def outcome_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = _outcome_rights(request, public_id)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome_record(
                case=case,
                user=request.user,
                agency=rights.agency,
                kind=data["kind"],
                employer_type=data["employer_type"],
                hours_per_week=data["hours_per_week"],
                start_date=data["start_date"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The outcome was recorded."))
            return _back(case, "outcomes")
    log_use(request, case, rights, set(), LogPurpose.PLAN)
    return render(
        request,
        "plans/outcome_form.html",
        {"case": case, "access": rights.access, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def follow_up_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = _outcome_rights(request, public_id)
    outcomes = outcomes_of(case=case)
    follow_ups = follow_ups_of(case=case)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_record(
                case=case,
                user=request.user,
                agency=rights.agency,
                months=data["months"],
                still_holds=data["still_holds"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up was recorded."))
            return _back(case, "outcomes")
    log_use(request, case, rights, {PLAN_CATEGORY} if outcomes else set(), LogPurpose.PLAN)
    return render(
        request,
        "plans/follow_up_form.html",
        {
            "case": case,
            "access": rights.access,
            "form": form,
            "outcome": outcomes[0] if outcomes else None,
            "follow_ups": follow_ups,
            "open": follow_ups_open(case=case, today=today(), done={f.months for f in follow_ups}),
        },
        status=400 if form.errors else 200,
    )

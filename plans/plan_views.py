"""The employment plan page of a case, its versions and sign-offs, and the outcome and
follow-up forms. Changes are plain form posts that redirect back; a refused one renders
the page again with the error where it belongs."""

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import client_work_agency
from core.http import AuthenticatedRequest
from pathways.models import Case
from plans.forms import ActionForm, FollowUpForm, GoalForm, OutcomeForm
from plans.models import EmploymentPlan, PlanGoal
from plans.page_selectors import (
    CasePlanPage,
    follow_up_page_build,
    outcome_page_build,
    plan_page_build,
    version_page_build,
)
from plans.selectors import (
    PlanRights,
    client_agencies,
    plan_action_for_agency,
    plan_for_agency,
    plan_of,
    plan_version_for_agency,
    version_view,
)
from plans.services import (
    follow_up_record,
    outcome_record,
    plan_action_add,
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
from plans.views import acting_role, back_to, case_rights, failure_status, log_use, page_respond
from referrals.models import LogPurpose


@login_required
def plan_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    return page_respond(request, plan_page_build(case=case, rights=rights))


@login_required
@require_POST
def plan_start_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    plan_start(case=case, user=request.user, agency=rights.agency)
    messages.success(request, _("The employment plan was started."))
    return back_to("case-plan", case)


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
            return back_to("case-plan", case, "goals")
    return page_respond(
        request, plan_page_build(case=case, rights=rights, goal_form=form), status=400
    )


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
    return back_to("case-plan", case, "goals")


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
            return back_to("case-plan", case, "actions")
    page = plan_page_build(case=case, rights=rights, action_form=form)
    return page_respond(request, page, status=400)


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
        page = plan_page_build(case=case, rights=rights, error=" ".join(error.messages))
        return page_respond(request, page, status=failure_status(error))
    messages.success(
        request,
        _("Saved: the action is now %(status)s.") % {"status": action.get_status_display().lower()},
    )
    return back_to("case-plan", case, f"action-{action.public_id}")


# Versions ------------------------------------------------------------------------------


@login_required
@require_POST
def plan_version_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Start a sign-off round: freeze the plan as its next version."""
    case, rights, plan = _plan(request, public_id)
    try:
        version = plan_version_freeze(plan=plan, user=request.user, agency=rights.agency)
    except ValidationError as error:
        page = plan_page_build(case=case, rights=rights, error=" ".join(error.messages))
        return page_respond(request, page, status=failure_status(error))
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
    return page_respond(request, version_page_build(case=case, rights=rights, version=version))


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
        page = version_page_build(
            case=case, rights=rights, version=version, error=" ".join(error.messages)
        )
        return page_respond(request, page, status=failure_status(error))
    messages.success(
        request,
        _("Your agency signed off version %(number)d.") % {"number": version.number},
    )
    return redirect("plan-version", public_id=case.public_id, number=version.number)


# Outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """An outcome or a follow-up: a form whose fields are its service's arguments."""

    form: type[OutcomeForm] | type[FollowUpForm]
    record: Callable[..., object]
    done: Callable[[], str]
    page: Callable[..., CasePlanPage]


RECORDS = {
    "outcome": _Record(
        form=OutcomeForm,
        record=outcome_record,
        done=lambda: _("The outcome was recorded."),
        page=outcome_page_build,
    ),
    "follow-up": _Record(
        form=FollowUpForm,
        record=follow_up_record,
        done=lambda: _("The follow-up was recorded."),
        page=follow_up_page_build,
    ),
}


def _record(request: AuthenticatedRequest, public_id: UUID, what: str) -> HttpResponse:
    """Record what came of the path, or a follow-up of it (the plan's editors)."""
    spec = RECORDS[what]
    case, rights = case_rights(request, public_id)
    if not rights.edits_plan:
        raise PermissionDenied
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spec.record(case=case, user=request.user, agency=rights.agency, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, spec.done())
            return back_to("case-plan", case, "outcomes")
    page = spec.page(case=case, rights=rights, form=form)
    return page_respond(request, page, status=400 if form.errors else 200)


@login_required
def outcome_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _record(request, public_id, "outcome")


@login_required
def follow_up_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _record(request, public_id, "follow-up")

"""The service-need assessment page of a case and its forms. Every change is a plain form
post that redirects back to the page; a refused one renders the page again with the
error on the form and field that caused it."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import client_work_agency
from core.http import AuthenticatedRequest
from core.pages import page_context
from pathways.models import Case
from plans.forms import EntriesForm, summary_form_build
from plans.page_selectors import CasePlanPage, assessment_page_build
from plans.selectors import (
    PlanRights,
    assessment_of,
    assessment_suggested_agencies,
    case_and_rights,
)
from plans.services import (
    PlanConflict,
    assessment_complete,
    assessment_entries_save,
    assessment_reopen,
    assessment_summary_save,
)
from referrals.models import DataCategory
from referrals.services import use_log_write


def acting_role(request: AuthenticatedRequest) -> str | None:
    membership = request.acting.membership
    return membership.role if membership else None


def case_rights(request: AuthenticatedRequest, public_id: UUID) -> tuple[Case, PlanRights]:
    return case_and_rights(
        agency=client_work_agency(request), public_id=public_id, role=acting_role(request)
    )


def log_use(
    request: AuthenticatedRequest, case: Case, rights: PlanRights, codes: set[str], purpose: str
) -> None:
    """One use-log row for the page: the name in its heading and what else it showed."""
    if rights.access.shown(DataCategory.IDENTITY):
        codes = {*codes, DataCategory.IDENTITY}
    use_log_write(
        user=request.user,
        agency=rights.agency,
        clients=[(case.client, codes)],
        purpose=purpose,
        path=request.path,
    )


def failure_status(error: ValidationError) -> int:
    return 409 if isinstance(error, PlanConflict) else 400


def page_respond(
    request: AuthenticatedRequest, page: CasePlanPage, *, status: int = 200
) -> HttpResponse:
    """A page of the plans app, use-logged for what it shows."""
    log_use(request, page.case, page.rights, set(page.logged), page.purpose)
    return render(request, page.template, page_context(page), status=status)


def back_to(url_name: str, case: Case, anchor: str = "") -> HttpResponse:
    """After a change: the case's page `url_name`, at the part that changed."""
    url = reverse(url_name, args=[case.public_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def assessment_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    return page_respond(request, assessment_page_build(case=case, rights=rights))


@login_required
@require_POST
def assessment_entries(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Save the acting agency's own part; another agency's entries are not in the form."""
    case, rights = case_rights(request, public_id)
    form = EntriesForm(request.POST)
    if not form.is_valid():
        page = assessment_page_build(case=case, rights=rights, entries_form=form)
        return page_respond(request, page, status=400)
    try:
        assessment_entries_save(
            case=case, user=request.user, agency=rights.agency, entries=form.entries()
        )
    except ValidationError as error:
        form.add_error(None, error)
        page = assessment_page_build(case=case, rights=rights, entries_form=form)
        return page_respond(request, page, status=failure_status(error))
    messages.success(request, _("Your agency's part of the assessment was saved."))
    return back_to("case-assessment", case, "own-part")


@login_required
@require_POST
def assessment_summary(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    if not rights.edits_summary:
        raise PermissionDenied
    assessment = assessment_of(case=case)
    suggested = (
        [a for a, _c, _d in assessment_suggested_agencies(assessment=assessment)]
        if assessment
        else []
    )
    form = summary_form_build(assessment, suggested, request.POST)
    if not form.is_valid():
        page = assessment_page_build(case=case, rights=rights, summary_form=form)
        return page_respond(request, page, status=400)
    data = form.cleaned_data
    try:
        assessment_summary_save(
            case=case,
            user=request.user,
            agency=rights.agency,
            summary=data["summary"],
            suggested_services=data["suggested_services"],
            suggested_agencies=list(data["suggested_agencies"]),
        )
    except ValidationError as error:
        form.add_error(None, error)
        page = assessment_page_build(case=case, rights=rights, summary_form=form)
        return page_respond(request, page, status=failure_status(error))
    messages.success(request, _("The summary of needs was saved."))
    return back_to("case-assessment", case, "summary")


MOVES = {"complete": assessment_complete, "reopen": assessment_reopen}


@login_required
@require_POST
def assessment_move(request: AuthenticatedRequest, public_id: UUID, action: str) -> HttpResponse:
    """Complete the assessment, or reopen it for changes."""
    case, rights = case_rights(request, public_id)
    move = MOVES.get(action)
    if move is None:
        raise Http404
    try:
        move(case=case, user=request.user, agency=rights.agency)
    except ValidationError as error:
        page = assessment_page_build(case=case, rights=rights, error=" ".join(error.messages))
        return page_respond(request, page, status=failure_status(error))
    messages.success(
        request,
        _("The assessment was completed.")
        if action == "complete"
        else _("The assessment was reopened for changes."),
    )
    return back_to("case-assessment", case, "summary")

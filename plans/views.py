"""The service-need assessment page of a case and its forms. Every change is a plain form
post that redirects back to the page; a refused one renders the page again with the
error on the form and field that caused it."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import AuthenticatedRequest, client_work_agency
from agencies.models import Agency
from pathways.models import Case
from plans.forms import EntriesForm, SummaryForm
from plans.models import SUMMARY_CATEGORY, Assessment, Domain
from plans.selectors import (
    PlanRights,
    assessment_of,
    assessment_rows,
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
from referrals.models import DataCategory, LogPurpose
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


def _summary_form(
    assessment: Assessment | None, suggested: list[Agency], data: QueryDict | None = None
) -> SummaryForm:
    """The agencies to choose from: the ones the needs suggest and the ones chosen before."""
    chosen = list(assessment.suggested_agencies.all()) if assessment else []
    agencies = {a.pk: a for a in [*suggested, *chosen]}.values()
    return SummaryForm(
        data,
        agencies=agencies,
        initial={
            "summary": assessment.summary if assessment else "",
            "suggested_services": assessment.suggested_services if assessment else "",
            "suggested_agencies": chosen,
        },
    )


def assessment_page(
    request: AuthenticatedRequest,
    case: Case,
    rights: PlanRights,
    *,
    entries_form: EntriesForm | None = None,
    summary_form: SummaryForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    assessment = assessment_of(case=case)
    rows = assessment_rows(assessment=assessment, rights=rights)
    completed = assessment is not None and assessment.completed_at is not None
    suggestions = (
        assessment_suggested_agencies(assessment=assessment, access=rights.access)
        if assessment is not None and rights.sees_summary
        else []
    )
    if entries_form is None and not completed:
        entries_form = EntriesForm(own=[row.own for row in rows if row.own])
    if summary_form is None and not completed and rights.edits_summary:
        summary_form = _summary_form(assessment, [s[0] for s in suggestions])
    shown = {row.category for row in rows if row.entries}
    if rights.sees_summary and assessment is not None:
        shown.add(SUMMARY_CATEGORY)
    log_use(request, case, rights, shown, LogPurpose.ASSESSMENT)
    return render(
        request,
        "plans/assessment.html",
        {
            "case": case,
            "access": rights.access,
            "rights": rights,
            "assessment": assessment,
            "completed": completed,
            "rows": rows,
            "entries_form": entries_form if not completed else None,
            "summary_form": summary_form if not completed else None,
            "suggestions": [
                (agency, contacts, [Domain(d).label for d in domains])
                for agency, contacts, domains in suggestions
            ],
            "summary_reason": rights.access.reason(SUMMARY_CATEGORY),
            "error": error,
        },
        status=status,
    )


def _back(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("case-assessment", args=[case.public_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
def assessment_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, rights = case_rights(request, public_id)
    return assessment_page(request, case, rights)


@login_required
@require_POST
def assessment_entries(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Save the acting agency's own part; another agency's entries are not in the form."""
    case, rights = case_rights(request, public_id)
    form = EntriesForm(request.POST)
    if not form.is_valid():
        return assessment_page(request, case, rights, entries_form=form, status=400)
    try:
        assessment_entries_save(
            case=case, user=request.user, agency=rights.agency, entries=form.entries()
        )
    except ValidationError as error:
        form.add_error(None, error)
        return assessment_page(
            request, case, rights, entries_form=form, status=failure_status(error)
        )
    messages.success(request, _("Your agency's part of the assessment was saved."))
    return _back(case, "own-part")


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
    form = _summary_form(assessment, suggested, request.POST)
    if not form.is_valid():
        return assessment_page(request, case, rights, summary_form=form, status=400)
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
        return assessment_page(
            request, case, rights, summary_form=form, status=failure_status(error)
        )
    messages.success(request, _("The summary of needs was saved."))
    return _back(case, "summary")


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
        return assessment_page(
            request, case, rights, error=" ".join(error.messages), status=failure_status(error)
        )
    messages.success(
        request,
        _("The assessment was completed.")
        if action == "complete"
        else _("The assessment was reopened for changes."),
    )
    return _back(case, "summary")

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import client_work_agency
from agencies.models import Agency
from core.http import AuthenticatedRequest
from core.pages import page_context
from pathways.cases.forms import ReleaseForm
from pathways.cases.page_selectors import CasePage, case_page_build
from pathways.cases.selectors import case_for_agency
from pathways.cases.services import RISE_KINDS, case_close, case_reopen, release_case_start
from pathways.models import Case
from referrals.models import LogPurpose
from referrals.services import use_log_write


def _rise_agency(request: AuthenticatedRequest) -> Agency:
    agency = client_work_agency(request)
    if agency.kind not in RISE_KINDS:
        raise PermissionDenied
    return agency


@login_required
def release_new(request: AuthenticatedRequest) -> HttpResponse:
    agency = _rise_agency(request)
    form = ReleaseForm(request.POST or None, agency=agency, initial={"rise_unit": agency})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = release_case_start(
                agency=agency,
                user=request.user,
                client=form.client,
                new_client=form.new_client(),
                rise_unit=data["rise_unit"],
                expected_date=data["expected_date"],
                release_type=data["release_type"],
                municipality_after=data["municipality_after"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The release was logged and the client's path started."))
            return redirect("case-detail", public_id=case.public_id)
    if form.other_agencys_client is not None:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=[(form.other_agencys_client, ["identity"])],
            purpose=LogPurpose.IDENTITY_LOOKUP,
            path=request.path,
        )
    return render(request, "pathways/release_form.html", {"form": form})


def case_page_respond(
    request: AuthenticatedRequest, page: CasePage, *, status: int = 200
) -> HttpResponse:
    """The case page, use-logged; the stage views also answer a refused change with it."""
    use_log_write(
        user=request.user,
        agency=page.access.agency,
        clients=[(page.case.client, page.access.categories)],
        purpose=LogPurpose.CASE_WORK,
        path=request.path,
    )
    return render(request, "pathways/case_detail.html", page_context(page), status=status)


@login_required
def case_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    page = case_page_build(case=case, access=access, membership=request.acting.membership)
    return case_page_respond(request, page)


def _case_status_change(
    request: AuthenticatedRequest, public_id: UUID, change: Callable[..., Case], done: str
) -> HttpResponse:
    case, _access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    try:
        change(case=case, membership=request.acting.membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_close_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _case_status_change(request, public_id, case_close, _("The path was closed."))


@login_required
@require_POST
def case_reopen_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _case_status_change(request, public_id, case_reopen, _("The path was reopened."))

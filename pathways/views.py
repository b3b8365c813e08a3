from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agencies.http import AuthenticatedRequest, client_work_agency
from agencies.models import Agency
from pathways.forms import ReleaseForm
from pathways.selectors import case_for_agency, case_stage_windows, cases_started_by
from pathways.services import RISE_KINDS, release_case_start
from referrals.models import LogPurpose
from referrals.selectors import client_card, client_referrals
from referrals.services import today, use_log_write

PAGE_SIZE = 25


def _rise_agency(request: AuthenticatedRequest) -> Agency:
    agency = client_work_agency(request)
    if agency.kind not in RISE_KINDS:
        raise PermissionDenied
    return agency


@login_required
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    """The releases the acting Rise unit has logged, the nearest first."""
    agency = _rise_agency(request)
    page = Paginator(cases_started_by(agency=agency), PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=[(case.client_id, ["identity", "release"]) for case in page],
            purpose=LogPurpose.CASE_WORK,
            path=request.path,
        )
    return render(request, "pathways/case_list.html", {"page": page, "today": today()})


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
    return render(request, "pathways/release_form.html", {"form": form})


@login_required
def case_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    day = today()
    release_shown = access.shown("release") and case.release is not None
    use_log_write(
        user=request.user,
        agency=access.agency,
        clients=[(case.client, access.categories)],
        purpose=LogPurpose.CASE_WORK,
        path=request.path,
    )
    return render(
        request,
        "pathways/case_detail.html",
        {
            "case": case,
            "access": access,
            "card": client_card(access=access),
            "windows": case_stage_windows(case=case, today=day) if release_shown else [],
            "release": case.release if release_shown else None,
            "days_left": (case.release.expected_date - day).days
            if release_shown and case.release
            else None,
            "referrals": client_referrals(agency=access.agency, client=case.client),
            "may_refer": access.is_owner,
        },
    )

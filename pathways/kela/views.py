from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from agencies.http import client_work_agency
from agencies.models import AgencyKind
from core.dates import today
from core.http import AuthenticatedRequest
from pathways.cases.forms import KelaGuidanceForm, OutcomeForm
from pathways.cases.selectors import case_for_agency
from pathways.kela.services import case_outcome_record, kela_guidance_start, outcome_may_record
from referrals.models import DataCategory, LogPurpose
from referrals.selectors import client_for_agency
from referrals.services import use_log_write


@login_required
def kela_guidance_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    if agency.kind != AgencyKind.KELA:
        raise PermissionDenied
    access = client_for_agency(agency=agency, public_id=public_id)
    form = KelaGuidanceForm(request.POST or None, initial={"instructed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            case = kela_guidance_start(
                agency=agency,
                user=request.user,
                client=access.client,
                instructed_on=form.cleaned_data["instructed_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Kela's guidance path started. Next, refer the client to the employment area."),
            )
            return redirect(reverse("referral-new", args=[case.client.public_id]))
    use_log_write(
        user=request.user,
        agency=agency,
        clients=[(access.client, [DataCategory.IDENTITY] if access.shown("identity") else [])],
        purpose=LogPurpose.CASE_WORK,
        path=request.path,
    )
    return render(request, "pathways/kela_guidance_form.html", {"form": form, "access": access})


@login_required
def case_outcome(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    if not outcome_may_record(case=case, agency=access.agency):
        raise PermissionDenied
    form = OutcomeForm(
        request.POST or None, initial={"outcome": case.outcome, "note": case.outcome_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_outcome_record(
                case=case,
                agency=access.agency,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect("case-detail", public_id=case.public_id)
    # The form shows the outcome and its note as recorded so far.
    use_log_write(
        user=request.user,
        agency=access.agency,
        clients=[(case.client, [])],
        purpose=LogPurpose.CASE_WORK,
        path=request.path,
    )
    return render(request, "pathways/outcome_form.html", {"form": form, "case": case})

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.http import AuthenticatedRequest
from referrals.models import LogPurpose
from referrals.services import use_log_write
from worklist.selectors import agency_facts, worklist_counts_remember, worklist_for


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The front page: the worklist of the acting agency, for those who work with clients;
    everyone sees the agency they act for."""
    acting = request.acting
    agency = acting.agency
    context: dict[str, object] = {"agency": agency}
    if agency is not None:
        context["facts"] = agency_facts(user=request.user, agency=agency)
    if agency is not None and acting.works_with_clients:
        day = timezone.localdate()
        worklist = worklist_for(user=request.user, agency=agency, today=day)
        shown = worklist.clients_shown()
        if shown:
            use_log_write(
                user=request.user,
                agency=agency,
                clients=shown,
                purpose=LogPurpose.CASE_WORK,
                path=request.path,
            )
        # The navigation shows the figures just counted, and other pages find them kept.
        worklist_counts_remember(
            user=request.user, agency=agency, today=day, counts=worklist.counts
        )
        context.update(worklist=worklist, worklist_counts=worklist.counts)
    return render(request, "worklist/home.html", context)

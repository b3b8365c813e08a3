from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import today
from core.http import AuthenticatedRequest
from dpo.http import dpo_agency
from referrals.models import LogPurpose
from referrals.services import use_log_write
from retention.selectors import findings_for_agency, retention_plan, run_pending, runs_recent
from retention.services import run_request

FINDINGS_PER_PAGE = 50


@login_required
def retention_report(request: AuthenticatedRequest) -> HttpResponse:
    """The dry run: what the next run would anonymise, delete or clear, and why."""
    agency = dpo_agency(request)
    everywhere = retention_plan(today=today())
    # Counts cover all of Polku; clients are listed only to their own agencies' officers.
    plan = replace(
        everywhere, findings=findings_for_agency(findings=everywhere.findings, agency=agency)
    )
    page = Paginator(plan.findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    # Only the page's clients are shown, by id and reasons: those are what the log names.
    use_log_write(
        user=request.user,
        agency=agency,
        clients=[(finding.client_id, finding.category_codes) for finding in page.object_list],
        purpose=LogPurpose.SUPERVISION,
        path=request.path,
    )
    return render(
        request,
        "retention/report.html",
        {
            "plan": plan,
            "everywhere": everywhere,
            "page": page,
            "runs": runs_recent(),
            "pending": run_pending(),
        },
    )


@login_required
@require_POST
def retention_run_start(request: AuthenticatedRequest) -> HttpResponse:
    _run, created = run_request(user=request.user, agency=dpo_agency(request))
    if created:
        messages.success(
            request,
            _(
                "The retention run was started. It acts only on what a fresh dry run finds "
                "when it begins; its counts appear below when it is done."
            ),
        )
    else:
        messages.info(request, _("A retention run is already waiting or working."))
    return redirect("retention-report")

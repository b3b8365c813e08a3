from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from agencies.http import client_work_agency
from core.dates import today
from core.http import AuthenticatedRequest
from pathways.cases.list_forms import CaseListForm
from pathways.cases.list_selectors import case_list, case_list_rows, case_list_stages
from pathways.cases.services import RISE_KINDS
from pathways.models import Case
from referrals.models import LogPurpose
from referrals.services import use_log_write

PAGE_SIZE = 25


@login_required
def case_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """The acting agency's clients' paths: Rise's logged releases, and for any other
    client-work agency the paths it answers for a stage of."""
    agency = client_work_agency(request)
    day = today()
    form = CaseListForm(request.GET, stages=case_list_stages())
    cases = (
        case_list(agency=agency, filters=form.filters(today=day), today=day)
        if form.is_valid()
        else Case.objects.none()
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = case_list_rows(agency=agency, cases=list(page), today=day)
    # A release date shown without the name is client data too.
    shown = [(row.case.client_id, row.categories_shown) for row in rows if row.categories_shown]
    if shown:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=shown,
            purpose=LogPurpose.CASE_WORK,
            path=request.path,
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query_string": query.urlencode()}
    return render(
        request, "pathways/case_list.html", {**context, "is_rise": agency.kind in RISE_KINDS}
    )

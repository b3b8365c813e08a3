"""The data protection officer's pages: the agency's use and disclosure logs, and a
client's log report (Act 703/2023 sections 10 and 11). Whatever client data they show is itself
use-logged, with the purpose "supervision"."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from agencies.models import Agency
from core.http import AuthenticatedRequest
from core.pages import page_context
from dpo.filters import DisclosureLogFilter, LogFilter, UseLogFilter
from dpo.forms import ClientLookupForm
from dpo.http import dpo_agency
from dpo.page_selectors import log_page_build
from dpo.reports import report_csv, report_pdf
from dpo.selectors import (
    ClientLogReport,
    client_for_dpo,
    client_log_report,
    disclosure_log_for,
    log_chains_for,
    use_log_for,
)
from referrals.models import Client, DataCategory, LogPurpose
from referrals.services import use_log_write

PAGE_SIZE = 50


def _log_supervision(
    request: AuthenticatedRequest, agency: Agency, clients: Iterable[Client | int]
) -> None:
    """The DPO saw these clients' names: that is a use of their data too."""
    rows = [(client, [DataCategory.IDENTITY]) for client in clients]
    if rows:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=rows,
            purpose=LogPurpose.SUPERVISION,
            path=request.path,
        )


def _log_page(
    request: AuthenticatedRequest,
    *,
    template: str,
    filterset_class: type[LogFilter],
    queryset: Any,
    agency: Agency,
) -> HttpResponse:
    """A log page; a client looked up by identity code comes back as a filter by id."""
    lookup = ClientLookupForm(
        request.POST if request.method == "POST" else None, agency=agency, prefix="lookup"
    )
    if request.method == "POST" and lookup.is_valid() and lookup.client is not None:
        query = urlencode({"client": str(lookup.client.public_id)})
        return redirect(f"{request.path}?{query}")
    page = log_page_build(
        agency=agency,
        filterset_class=filterset_class,
        queryset=queryset,
        query=request.GET,
        page_size=PAGE_SIZE,
    )
    _log_supervision(request, agency, page.client_ids)
    return render(
        request,
        template,
        {**page_context(page), "lookup": lookup},
        status=400 if lookup.is_bound else 200,
    )


@login_required
def use_log(request: AuthenticatedRequest) -> HttpResponse:
    agency = dpo_agency(request)
    return _log_page(
        request,
        template="dpo/use_log.html",
        filterset_class=UseLogFilter,
        queryset=use_log_for(agency=agency),
        agency=agency,
    )


@login_required
def disclosure_log(request: AuthenticatedRequest) -> HttpResponse:
    agency = dpo_agency(request)
    return _log_page(
        request,
        template="dpo/disclosure_log.html",
        filterset_class=DisclosureLogFilter,
        queryset=disclosure_log_for(agency=agency),
        agency=agency,
    )


def _report(request: AuthenticatedRequest, public_id: UUID) -> ClientLogReport:
    agency = dpo_agency(request)
    client = client_for_dpo(agency=agency, public_id=public_id)
    # Logged before it is read, so that the report includes this look too.
    _log_supervision(request, agency, [client])
    return client_log_report(agency=agency, client=client)


@login_required
def client_report(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    report = _report(request, public_id)
    return render(request, "dpo/client_report.html", {"report": report})


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no copies in shared caches or the browser's.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def client_report_pdf(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    report = _report(request, public_id)
    return _download(report_pdf(report), "application/pdf", f"log-report-{public_id}.pdf")


@login_required
def client_report_csv(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    report = _report(request, public_id)
    return _download(report_csv(report), "text/csv; charset=utf-8", f"log-report-{public_id}.csv")


@login_required
def log_integrity(request: AuthenticatedRequest) -> HttpResponse:
    """Whether the agency's logs are as they were sealed (the hash chain)."""
    agency = dpo_agency(request)
    return render(
        request,
        "dpo/log_integrity.html",
        {"agency": agency, "chains": log_chains_for(agency=agency)},
    )

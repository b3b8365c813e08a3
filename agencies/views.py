from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.filters import ContactPersonFilter
from agencies.forms import ActingAgencyForm, ContactPersonForm
from agencies.middleware import ACTIVE_AGENCY_SESSION_KEY
from agencies.models import ContactPerson, Membership
from agencies.selectors import (
    agency_list,
    agency_served_municipalities,
    contact_person_for_keeper,
    contact_person_list,
    membership_keeps_directory,
    municipality_route,
)
from agencies.services import contact_person_delete, contact_person_save
from core.http import AuthenticatedRequest

DIRECTORY_PAGE_SIZE = 25


@login_required
def directory(request: AuthenticatedRequest) -> HttpResponse:
    filterset = ContactPersonFilter(request.GET, queryset=contact_person_list(), request=request)
    valid = filterset.is_valid()
    contacts = filterset.qs if valid else contact_person_list().none()
    page = Paginator(contacts, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    municipality = filterset.form.cleaned_data.get("municipality") if valid else None
    context = {
        "filter": filterset,
        "page": page,
        "route": municipality_route(municipality=municipality) if municipality else None,
        "serving_agencies": agency_list(municipality=municipality) if municipality else None,
        "query_string": _query_without_page(request),
    }
    template = "agencies/_directory_results.html" if request.htmx else "agencies/directory.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _query_without_page(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def agency_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = get_object_or_404(agency_list(), public_id=public_id)
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "contacts": contact_person_list().filter(agency=agency),
            "municipalities": agency_served_municipalities(agency=agency).order_by("name_fi"),
            "keeps_directory": agency == request.acting.agency
            and membership_keeps_directory(membership=request.acting.membership),
        },
    )


@login_required
@require_POST
def acting_agency_set(request: AuthenticatedRequest) -> HttpResponse:
    form = ActingAgencyForm(request.POST, memberships=request.acting.memberships)
    if form.is_valid():
        membership = form.cleaned_data["agency"]
        request.session[ACTIVE_AGENCY_SESSION_KEY] = str(membership.agency.public_id)
        messages.success(request, _("You now act for %(agency)s.") % {"agency": membership.agency})
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["agency"]))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Where a login lands (config's choice: the front page), not a name of an app above.
        target = resolve_url(settings.LOGIN_REDIRECT_URL)
    return HttpResponseRedirect(target)


def _keeper_membership(request: AuthenticatedRequest) -> Membership:
    membership = request.acting.membership
    if membership is None or not membership_keeps_directory(membership=membership):
        raise PermissionDenied
    return membership


@login_required
def contact_person_edit(
    request: AuthenticatedRequest, public_id: UUID | None = None
) -> HttpResponse:
    """Coordinators add and edit their own agency's named contact persons."""
    membership = _keeper_membership(request)
    contact = (
        contact_person_for_keeper(membership=membership, public_id=public_id)
        if public_id
        else ContactPerson(agency=membership.agency)
    )
    initial = ContactPersonForm.initial_for(contact) if public_id else None
    form = ContactPersonForm(request.POST or None, initial=initial, agency=membership.agency)
    if request.method == "POST" and form.is_valid():
        try:
            contact_person_save(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contact person was saved."))
            return redirect("agency-detail", public_id=membership.agency.public_id)
    return render(
        request,
        "agencies/contact_person_form.html",
        {"form": form, "contact": contact, "agency": membership.agency},
    )


@login_required
@require_POST
def contact_person_remove(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    membership = _keeper_membership(request)
    contact = contact_person_for_keeper(membership=membership, public_id=public_id)
    contact_person_delete(contact=contact)
    messages.success(request, _("The contact person was removed from the directory."))
    return redirect("agency-detail", public_id=membership.agency.public_id)

"""Network gatherings: the region's list, a gathering's page with its programme, the
coordinator's form, registration and the .ics download. Gatherings carry no client data."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Membership
from core.http import AuthenticatedRequest
from meetings.calendar.feed import gathering_ics
from meetings.calendar.selectors import (
    gathering_for_user,
    gathering_list_upcoming,
    gathering_may_edit,
    gathering_may_organise,
    gathering_registration,
    gathering_registrations,
    regions_of_agency,
    registration_agency,
)
from meetings.gatherings.forms import (
    GatheringForm,
    ProgrammeFormSet,
    programme_formset,
)
from meetings.gatherings.services import (
    gathering_cancel,
    gathering_create,
    gathering_update,
    registration_cancel,
    registration_create,
)
from meetings.ical import METHOD_PUBLISH, content_type
from meetings.models import EventStatus, Gathering


def _organiser(request: AuthenticatedRequest) -> Membership:
    """Coordinators schedule gatherings (docs/design.md §5); everyone else gets 403."""
    membership = request.acting.membership
    if membership is None or not gathering_may_organise(membership=membership):
        raise PermissionDenied
    return membership


def _apply_errors(error: ValidationError, form: GatheringForm, programme: ProgrammeFormSet) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field == "programme":
            programme.add_item_errors(errors)
        else:
            form.add_error(field if field in form.fields else None, errors)


@login_required
def gathering_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "meetings/gathering_list.html",
        {
            "gatherings": gathering_list_upcoming(user=request.user),
            "may_organise": gathering_may_organise(membership=request.acting.membership),
        },
    )


@login_required
def gathering_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    gathering = gathering_for_user(user=request.user, public_id=public_id)
    may_edit = gathering_may_edit(membership=request.acting.membership, gathering=gathering)
    now = timezone.now()
    scheduled = gathering.status == EventStatus.SCHEDULED
    return render(
        request,
        "meetings/gathering_detail.html",
        {
            "gathering": gathering,
            "programme": gathering.programme.all(),
            "registration": gathering_registration(gathering=gathering, user=request.user),
            "registration_count": gathering.registrations.count(),
            "registrations": gathering_registrations(gathering=gathering) if may_edit else None,
            "may_edit": may_edit and scheduled and gathering.ends_at > now,
            "may_register": scheduled and gathering.starts_at > now,
            "is_over": gathering.ends_at <= now,
        },
    )


def _gathering_form_page(
    request: AuthenticatedRequest, membership: Membership, gathering: Gathering | None
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    if gathering is not None:
        initial = GatheringForm.initial_for(gathering)
    else:
        initial = {"region": regions_of_agency(agency=membership.agency).first()}
    form = GatheringForm(data, initial=initial)
    programme = programme_formset(data, gathering=gathering)
    if data is not None and all([form.is_valid(), programme.is_valid()]):
        try:
            if gathering is None:
                gathering = gathering_create(
                    user=request.user,
                    agency=membership.agency,
                    data=form.data_object(),
                    programme=programme.items(),
                )
                messages.success(request, _("The gathering was scheduled."))
            else:
                gathering = gathering_update(
                    gathering=gathering,
                    user=request.user,
                    agency=membership.agency,
                    data=form.data_object(),
                    programme=programme.items(),
                )
                messages.success(request, _("The gathering was saved."))
        except ValidationError as error:
            _apply_errors(error, form, programme)
        else:
            return redirect("gathering-detail", public_id=gathering.public_id)
    return render(
        request,
        "meetings/gathering_form.html",
        {"form": form, "programme": programme, "gathering": gathering},
    )


@login_required
def gathering_new(request: AuthenticatedRequest) -> HttpResponse:
    return _gathering_form_page(request, _organiser(request), None)


@login_required
def gathering_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    gathering = gathering_for_user(user=request.user, public_id=public_id)
    membership = request.acting.membership
    if not gathering_may_edit(membership=membership, gathering=gathering) or membership is None:
        raise PermissionDenied
    if gathering.status == EventStatus.CANCELLED:
        messages.error(request, _("A cancelled gathering cannot be changed."))
        return redirect("gathering-detail", public_id=gathering.public_id)
    return _gathering_form_page(request, membership, gathering)


@login_required
@require_POST
def gathering_cancel_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    gathering = gathering_for_user(user=request.user, public_id=public_id)
    membership = request.acting.membership
    if not gathering_may_edit(membership=membership, gathering=gathering) or membership is None:
        raise PermissionDenied
    try:
        gathering_cancel(gathering=gathering, user=request.user, agency=membership.agency)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The gathering was cancelled."))
    return redirect("gathering-detail", public_id=gathering.public_id)


@login_required
@require_POST
def gathering_register(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    gathering = gathering_for_user(user=request.user, public_id=public_id)
    agency = registration_agency(
        user=request.user, acting=request.acting.agency, gathering=gathering
    )
    try:
        _registration, created = registration_create(
            gathering=gathering, user=request.user, agency=agency
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if created:
            messages.success(
                request,
                _("You are registered. The gathering is now in your calendar."),
            )
        else:
            messages.info(request, _("You had already registered."))
    return redirect("gathering-detail", public_id=gathering.public_id)


@login_required
@require_POST
def gathering_unregister(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    gathering = gathering_for_user(user=request.user, public_id=public_id)
    try:
        removed = registration_cancel(gathering=gathering, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if removed:
            messages.success(request, _("Your registration was cancelled."))
    return redirect("gathering-detail", public_id=gathering.public_id)


@login_required
def gathering_calendar(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The gathering as an .ics file (METHOD:PUBLISH) to add to any calendar program."""
    gathering = gathering_for_user(user=request.user, public_id=public_id)
    body = gathering_ics(
        gathering=gathering,
        url=request.build_absolute_uri(reverse("gathering-detail", args=[gathering.public_id])),
    )
    response = HttpResponse(body, content_type=content_type(METHOD_PUBLISH))
    response["Content-Disposition"] = 'attachment; filename="gathering.ics"'
    return response

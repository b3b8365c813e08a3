"""Case network meeting pages: scheduling from the case page, the meeting page (answers,
minutes, action items), changing, cancelling, the invitees and the .ics download.

Every page shows the meeting only to a party to it whose agency still has access to the
client (meetings.selectors.meeting_for_agency), and use-logs what it shows of the client.
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import client_work_agency
from agencies.models import Agency, Role
from core.http import AuthenticatedRequest
from core.pages import page_context
from meetings.forms import (
    ActionItemFormSet,
    InviteesForm,
    MeetingForm,
    MinutesForm,
    RsvpForm,
    minutes_action_items,
    minutes_errors_apply,
)
from meetings.ical import METHOD_PUBLISH, content_type, event_calendar
from meetings.models import EventStatus, Invitee, Meeting
from meetings.page_selectors import (
    InviteeStep,
    MeetingPage,
    invitee_step_build,
    meeting_agencies,
    meeting_page_build,
)
from meetings.selectors import (
    Conflict,
    agency_may_attend,
    conflicts_fingerprint,
    invitee_for_user,
    meeting_conflicts,
    meeting_event_spec,
    meeting_for_agency,
    meeting_invitees,
    meeting_may_manage,
)
from meetings.services import (
    InviteeSpec,
    invitee_add,
    invitee_remove,
    meeting_cancel,
    meeting_minutes_record,
    meeting_schedule,
    meeting_update,
    rsvp_set,
)
from pathways.cases.selectors import case_for_agency
from pathways.models import Case
from referrals.models import DataCategory, LogPurpose
from referrals.selectors import ClientAccess
from referrals.services import use_log_write


def _is_coordinator(request: AuthenticatedRequest) -> bool:
    membership = request.acting.membership
    return membership is not None and membership.role == Role.COORDINATOR


def _log(
    request: AuthenticatedRequest, access: ClientAccess, categories: list[str] | None = None
) -> None:
    """The meeting pages show the client's name when identity is disclosed (and, on the
    meeting page, the client's e-mail when contact details are)."""
    codes = [DataCategory.IDENTITY] if categories is None else categories
    shown = [code for code in codes if access.shown(code)]
    use_log_write(
        user=request.user,
        agency=access.agency,
        clients=[(access.client, shown)],
        purpose=LogPurpose.MEETING,
        path=request.path,
    )


def _apply_errors(
    error: ValidationError, details: Form | None, invitees: InviteesForm | None
) -> None:
    """Put a service's errors on the fields that caused them."""
    if not hasattr(error, "error_dict"):
        (details or invitees or Form()).add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        for item in errors:
            if key == "invitees" and invitees is not None:
                invitees.add_error(invitees.field_for_error(item), item)
            elif details is not None:
                field = MeetingForm.FIELD_OF.get(key)
                details.add_error(field if field in details.fields else None, item)


def _conflicts_or_none(
    request: AuthenticatedRequest,
    details: MeetingForm,
    people: list[Any],
    exclude: Meeting | None = None,
) -> list[Conflict]:
    """Overlapping meetings the coordinator has not yet seen; empty when there are none or
    when this submission acknowledges exactly these."""
    starts_at, duration = details.times()
    if duration <= 0:
        return []
    conflicts = meeting_conflicts(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration),
        people=people,
        exclude=exclude,
    )
    fingerprint = conflicts_fingerprint(conflicts)
    if not conflicts or details.cleaned_data.get("acknowledged") == fingerprint:
        return []
    # The next submission carries the fingerprint of the conflicts shown now.
    data = request.POST.copy()
    data["acknowledged"] = fingerprint
    details.data = data
    return conflicts


def _consent_only_warning(
    request: AuthenticatedRequest, case: Case, specs: list[InviteeSpec]
) -> None:
    for spec in specs:
        if (
            spec.agency is not None
            and agency_may_attend(case=case, agency=spec.agency) == "consent"
        ):
            messages.warning(
                request,
                _(
                    "%(agency)s takes part with the client's consent but has no access to "
                    "the client's data in Polku: send it a referral so that it can open the "
                    "meeting page."
                )
                % {"agency": spec.agency.name},
            )


def _invitee_step(
    request: AuthenticatedRequest, case: Case, access: ClientAccess, meeting: Meeting | None
) -> InviteeStep:
    data = request.POST if request.method == "POST" else None
    return invitee_step_build(case=case, access=access, data=data, meeting=meeting)


def _schedule(
    request: AuthenticatedRequest,
    case: Case,
    agency: Agency,
    step: InviteeStep,
    details: MeetingForm,
) -> HttpResponse | None:
    """Schedule the meeting and send the invitations; None when the service refused, with
    its errors on the forms."""
    specs = step.invitees.specs()
    try:
        meeting = meeting_schedule(
            case=case, organiser=request.user, agency=agency, invitees=specs, **details.details()
        )
    except ValidationError as error:
        _apply_errors(error, details, step.invitees)
        return None
    messages.success(request, _("The meeting was scheduled and the invitations sent."))
    _consent_only_warning(request, case, specs)
    return redirect("meeting-detail", public_id=meeting.public_id)


@login_required
def meeting_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    case, access = case_for_agency(agency=agency, public_id=public_id)
    if not _is_coordinator(request):
        raise PermissionDenied
    step = _invitee_step(request, case, access, None)
    details = step.details
    assert details is not None  # noqa: S101 (scheduling has the details form)
    conflicts: list[Conflict] = []
    if step.submitted and details.is_valid() and step.invitees.is_valid():
        people = [s.person for s in step.invitees.specs() if s.person] + [request.user]
        conflicts = _conflicts_or_none(request, details, people)
        if not conflicts and (done := _schedule(request, case, agency, step, details)):
            return done
    _log(request, access, step.logged)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "case": case,
            "access": access,
            "details": details,
            "invitees": step.invitees,
            "conflicts": conflicts,
            "meeting": None,
        },
    )


def _page_respond(
    request: AuthenticatedRequest, page: MeetingPage, *, status: int = 200
) -> HttpResponse:
    _log(request, page.access, page.logged)
    return render(request, "meetings/meeting_detail.html", page_context(page), status=status)


def _role(request: AuthenticatedRequest) -> str | None:
    return getattr(request.acting.membership, "role", None)


def _manage(request: AuthenticatedRequest, public_id: UUID) -> tuple[Meeting, ClientAccess]:
    agency = client_work_agency(request)
    meeting, access = meeting_for_agency(agency=agency, public_id=public_id)
    if not _is_coordinator(request) or not meeting_may_manage(
        meeting=meeting, user=request.user, agency=agency
    ):
        raise PermissionDenied
    return meeting, access


@login_required
def meeting_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = meeting_for_agency(agency=client_work_agency(request), public_id=public_id)
    page = meeting_page_build(
        meeting=meeting, access=access, user=request.user, role=_role(request)
    )
    return _page_respond(request, page)


@login_required
@require_POST
def meeting_minutes(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    agencies = meeting_agencies(meeting=meeting, invitees=meeting_invitees(meeting=meeting))
    form = MinutesForm(request.POST)
    items = ActionItemFormSet(request.POST, prefix="items", form_kwargs={"agencies": agencies})
    if form.is_valid() and items.is_valid():
        filled = [f for f in items.forms if f.filled]
        try:
            meeting_minutes_record(
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
                action_items=minutes_action_items(filled),
                user=request.user,
                agency=access.agency,
            )
        except ValidationError as error:
            minutes_errors_apply(error, form, filled)
        else:
            messages.success(
                request,
                _("The minutes were saved and the actions added to the employment plan.")
                if filled
                else _("The minutes were saved."),
            )
            return redirect("meeting-detail", public_id=meeting.public_id)
    page = meeting_page_build(
        meeting=meeting,
        access=access,
        user=request.user,
        role=_role(request),
        minutes_form=form,
        items=items,
    )
    return _page_respond(request, page, status=400)


@login_required
@require_POST
def meeting_rsvp(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    meeting, _access = meeting_for_agency(agency=agency, public_id=public_id)
    invitee = invitee_for_user(meeting=meeting, user=request.user, agency=agency)
    form = RsvpForm(request.POST)
    if invitee is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            rsvp_set(invitee=invitee, rsvp=form.cleaned_data["rsvp"], user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your answer was saved."))
    else:
        messages.error(request, _("Choose whether you will attend."))
    return redirect("meeting-detail", public_id=meeting.public_id)


@login_required
def meeting_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    if meeting.status == EventStatus.CANCELLED:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    conflicts: list[Conflict] = []
    if request.method == "POST" and form.is_valid():
        people = [i.person for i in meeting_invitees(meeting=meeting) if i.person] + [
            meeting.organiser
        ]
        conflicts = _conflicts_or_none(request, form, people, exclude=meeting)
        if not conflicts:
            try:
                meeting_update(
                    meeting=meeting, user=request.user, agency=access.agency, **form.details()
                )
            except ValidationError as error:
                _apply_errors(error, form, None)
            else:
                messages.success(request, _("The meeting was changed; the invitees are told."))
                return redirect("meeting-detail", public_id=meeting.public_id)
    _log(request, access)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "case": meeting.case,
            "access": access,
            "details": form,
            "invitees": None,
            "conflicts": conflicts,
            "meeting": meeting,
        },
    )


@login_required
@require_POST
def meeting_cancel_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    meeting_cancel(meeting=meeting, user=request.user, agency=access.agency)
    messages.success(request, _("The meeting was cancelled; the invitees are told."))
    return redirect("meeting-detail", public_id=meeting.public_id)


def _invite(
    request: AuthenticatedRequest, meeting: Meeting, agency: Agency, step: InviteeStep
) -> HttpResponse | None:
    """Invite those ticked; None when the service refused, with its errors on the form."""
    specs = step.invitees.specs()
    try:
        added = invitee_add(meeting=meeting, user=request.user, agency=agency, invitees=specs)
    except ValidationError as error:
        _apply_errors(error, None, step.invitees)
        return None
    if added:
        messages.success(request, _("The invitations were sent."))
        _consent_only_warning(request, meeting.case, specs)
    else:
        messages.info(request, _("Nobody new was invited."))
    return redirect("meeting-detail", public_id=meeting.public_id)


@login_required
def meeting_invitees_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    if meeting.status == EventStatus.CANCELLED:
        raise PermissionDenied
    step = _invitee_step(request, meeting.case, access, meeting)
    valid = step.submitted and step.invitees.is_valid()
    if valid and (done := _invite(request, meeting, access.agency, step)):
        return done
    _log(request, access, step.logged)
    return render(
        request,
        "meetings/meeting_invitees.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "access": access,
            "current": step.current,
            "invitees": step.invitees,
        },
    )


@login_required
@require_POST
def meeting_invitee_remove(
    request: AuthenticatedRequest, public_id: UUID, invitee_id: UUID
) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    invitee = get_object_or_404(Invitee, meeting=meeting, public_id=invitee_id)
    try:
        invitee_remove(invitee=invitee, user=request.user, agency=access.agency)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitee was removed and told."))
    return redirect("meeting-invitees", public_id=meeting.public_id)


@login_required
def meeting_ics(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The meeting for one's own calendar: the same event as the invitation, published.
    It holds no client data, but that the user fetched a meeting about this client is
    logged, as every look at a meeting is."""
    meeting, access = meeting_for_agency(agency=client_work_agency(request), public_id=public_id)
    _log(request, access, [])
    ics = event_calendar(events=[meeting_event_spec(meeting=meeting)], method=METHOD_PUBLISH)
    response = HttpResponse(ics, content_type=content_type(METHOD_PUBLISH))
    response["Content-Disposition"] = 'attachment; filename="verkostopalaveri.ics"'
    return response

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
from core.dates import today
from core.http import AuthenticatedRequest
from history.models import ObjectKind
from history.selectors import change_history
from meetings.forms import (
    ActionItemFormSet,
    InviteesForm,
    MeetingForm,
    MinutesForm,
    RsvpForm,
    added_agency_ids,
)
from meetings.ical import METHOD_PUBLISH, content_type, event_calendar
from meetings.models import EventStatus, Invitee, Meeting
from meetings.selectors import (
    Conflict,
    Suggestion,
    agency_may_attend,
    agency_suggestion,
    conflicts_fingerprint,
    invitee_for_user,
    invitee_suggestions,
    meeting_conflicts,
    meeting_ends_at,
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
from plans.models import PLAN_CATEGORY
from plans.selectors import client_agencies, plan_rights
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


def _rows(
    *,
    case: Case,
    access: ClientAccess,
    data: Any,
    exclude_agencies: set[int] | None = None,
    add: Agency | None = None,
) -> list[Suggestion]:
    """The agency rows of the invitee form: the suggestions, then those the coordinator
    added in earlier rounds, then the one being added now."""
    rows = [
        s
        for s in invitee_suggestions(case=case, access=access)
        if s.agency.pk not in (exclude_agencies or set())
    ]
    present = {row.agency.pk for row in rows}
    extra = [pk for pk in added_agency_ids(data) if pk not in present]
    if add is not None and add.pk not in present:
        extra.append(add.pk)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=extra, is_active=True)}
    for pk in dict.fromkeys(extra):
        if pk in agencies:
            rows.append(agency_suggestion(case=case, agency=agencies[pk]))
    return rows


def _agency_to_add(request: AuthenticatedRequest) -> Agency | None:
    if request.method != "POST" or request.POST.get("action") != "add":
        return None
    value = request.POST.get("add_agency", "")
    if not value.isdigit():
        return None
    return Agency.objects.filter(pk=int(value), is_active=True).first()


def _initial_from(data: Any, rows: list[Suggestion], *, new: Agency | None) -> dict[str, Any]:
    """The form as it was posted, as initial values: adding an agency to the list is not a
    submission and must not show errors for fields not filled in yet."""
    initial: dict[str, Any] = {key: data.get(key) for key in data}
    for row in rows:
        key = f"invite_{row.agency.pk}"
        initial[key] = bool(data.get(key)) or (new is not None and row.agency.pk == new.pk)
    initial["client"] = bool(data.get("client"))
    initial.pop("add_agency", None)
    initial.pop("added", None)
    return initial


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


@login_required
def meeting_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    case, access = case_for_agency(agency=agency, public_id=public_id)
    if not _is_coordinator(request):
        raise PermissionDenied
    new = _agency_to_add(request)
    data = request.POST if request.method == "POST" else None
    rows = _rows(case=case, access=access, data=data, add=new)
    conflicts: list[Conflict] = []
    if data is not None and data.get("action") == "add":
        initial = _initial_from(data, rows, new=new)
        details = MeetingForm(initial=initial)
        invitees = InviteesForm(rows=rows, initial=initial)
    else:
        tomorrow = today() + timedelta(days=1)
        details = MeetingForm(
            data,
            initial={"date": tomorrow, "starts_at": "10:00", "ends_at": "11:00"},
        )
        invitees = InviteesForm(data, rows=rows)
        if data is not None and details.is_valid() and invitees.is_valid():
            specs = invitees.specs()
            people = [s.person for s in specs if s.person is not None] + [request.user]
            conflicts = _conflicts_or_none(request, details, people)
            if not conflicts:
                try:
                    meeting = meeting_schedule(
                        case=case,
                        organiser=request.user,
                        agency=agency,
                        invitees=specs,
                        **details.details(),
                    )
                except ValidationError as error:
                    _apply_errors(error, details, invitees)
                else:
                    messages.success(
                        request, _("The meeting was scheduled and the invitations sent.")
                    )
                    _consent_only_warning(request, case, specs)
                    return redirect("meeting-detail", public_id=meeting.public_id)
    _log(
        request,
        access,
        [DataCategory.IDENTITY, *sorted(set().union(*(row.categories for row in rows)))],
    )
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "case": case,
            "access": access,
            "details": details,
            "invitees": invitees,
            "conflicts": conflicts,
            "meeting": None,
        },
    )


def _meeting_page(
    request: AuthenticatedRequest,
    meeting: Meeting,
    access: ClientAccess,
    *,
    minutes_form: MinutesForm | None = None,
    items: Any = None,
    status: int = 200,
) -> HttpResponse:
    agency = access.agency
    invitees = meeting_invitees(meeting=meeting)
    may_manage = _is_coordinator(request) and meeting_may_manage(
        meeting=meeting, user=request.user, agency=agency
    )
    scheduled = meeting.status == EventStatus.SCHEDULED
    agencies = _meeting_agencies(meeting, invitees)
    if may_manage and scheduled:
        minutes_form = minutes_form or MinutesForm(
            initial={"minutes": meeting.minutes, "decisions": meeting.decisions}
        )
        items = items or ActionItemFormSet(prefix="items", form_kwargs={"agencies": agencies})
    mine = invitee_for_user(meeting=meeting, user=request.user, agency=agency)
    client_invitee = next((i for i in invitees if i.is_client), None)
    # The agreed actions are in the employment plan: shown as the plan shows them.
    rights = plan_rights(
        case=meeting.case, access=access, role=getattr(request.acting.membership, "role", None)
    )
    all_items = list(meeting.action_items.select_related("owner_agency", "plan_action"))
    action_items = [item for item in all_items if rights.sees_action(item.owner_agency_id)]
    shown = [DataCategory.IDENTITY]
    if client_invitee is not None and client_invitee.email:
        shown.append(DataCategory.CONTACT)
    if action_items:
        shown.append(PLAN_CATEGORY)
    _log(request, access, shown)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "access": access,
            "ends_at": meeting_ends_at(meeting),
            "invitees": invitees,
            "mine": mine if scheduled and mine and not mine.is_client else None,
            "rsvp_choices": RsvpForm.base_fields["rsvp"].choices,  # type: ignore[attr-defined]
            "may_manage": may_manage,
            "scheduled": scheduled,
            "minutes_form": minutes_form if may_manage and scheduled else None,
            "items": items if may_manage and scheduled else None,
            "action_items": action_items,
            "items_withheld": len(all_items) - len(action_items),
            "withheld_reason": rights.withheld_reason,
            "history": change_history(kind=ObjectKind.MEETING, object_id=meeting.public_id),
        },
        status=status,
    )


def _meeting_agencies(meeting: Meeting, invitees: list[Invitee]) -> list[Agency]:
    """Who may own an agreed action: the meeting's agencies that may see the client (the
    plan's rule; an agency taking part on consent alone needs a referral first)."""
    parties = {meeting.organiser_agency_id} | {i.agency_id for i in invitees if i.agency_id}
    return list(client_agencies(case=meeting.case).filter(pk__in=parties))


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
    return _meeting_page(request, meeting, access)


@login_required
@require_POST
def meeting_minutes(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    invitees = meeting_invitees(meeting=meeting)
    agencies = _meeting_agencies(meeting, invitees)
    form = MinutesForm(request.POST)
    items = ActionItemFormSet(request.POST, prefix="items", form_kwargs={"agencies": agencies})
    if form.is_valid() and items.is_valid():
        filled = [f for f in items.forms if f.filled]
        try:
            meeting_minutes_record(
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
                action_items=[
                    (
                        f.cleaned_data["text"],
                        f.cleaned_data["owner_agency"],
                        f.cleaned_data["due_on"],
                    )
                    for f in filled
                ],
                user=request.user,
                agency=access.agency,
            )
        except ValidationError as error:
            for key, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                for item in errors:
                    index = (getattr(item, "params", None) or {}).get("index")
                    if key == "action_items" and index is not None and index < len(filled):
                        field = {"text": "text", "owner": "owner_agency", "due_on": "due_on"}
                        filled[index].add_error(field.get(item.code or ""), item)
                    else:
                        form.add_error(None, item)
        else:
            if filled:
                messages.success(
                    request,
                    _("The minutes were saved and the actions added to the employment plan."),
                )
            else:
                messages.success(request, _("The minutes were saved."))
            return redirect("meeting-detail", public_id=meeting.public_id)
    return _meeting_page(request, meeting, access, minutes_form=form, items=items, status=400)


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


@login_required
def meeting_invitees_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _manage(request, public_id)
    if meeting.status == EventStatus.CANCELLED:
        raise PermissionDenied
    current = meeting_invitees(meeting=meeting)
    invited_agencies = {i.agency_id for i in current if i.agency_id and i.person_id is None}
    has_client = any(i.is_client for i in current)
    new = _agency_to_add(request)
    data = request.POST if request.method == "POST" else None
    rows = _rows(
        case=meeting.case, access=access, data=data, exclude_agencies=invited_agencies, add=new
    )
    if data is not None and data.get("action") == "add":
        form = InviteesForm(
            rows=rows,
            ticked=False,
            with_client=not has_client,
            initial=_initial_from(data, rows, new=new),
        )
    else:
        form = InviteesForm(data, rows=rows, ticked=False, with_client=not has_client)
        if data is not None and form.is_valid():
            specs = form.specs()
            try:
                added = invitee_add(
                    meeting=meeting, user=request.user, agency=access.agency, invitees=specs
                )
            except ValidationError as error:
                _apply_errors(error, None, form)
            else:
                if added:
                    messages.success(request, _("The invitations were sent."))
                    _consent_only_warning(request, meeting.case, specs)
                else:
                    messages.info(request, _("Nobody new was invited."))
                return redirect("meeting-detail", public_id=meeting.public_id)
    _log(
        request,
        access,
        [DataCategory.IDENTITY, *sorted(set().union(*(row.categories for row in rows)))],
    )
    return render(
        request,
        "meetings/meeting_invitees.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "access": access,
            "current": current,
            "invitees": form,
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

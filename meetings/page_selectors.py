"""The meeting page and the invitee forms as one agency may see them, built without a
request so that their rules can be tested directly. Apart from meetings.selectors because
they build meetings.forms, which import those selectors.

Each page names the data categories it shows (`logged`): the view use-logs them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from agencies.models import Agency, Role, User
from core.dates import today
from history.models import ChangeRecord, ObjectKind
from history.selectors import change_history
from meetings.forms import (
    ActionItemFormSet,
    InviteesForm,
    MeetingForm,
    MinutesForm,
    RsvpForm,
    added_agency_ids,
    posted_as_initial,
)
from meetings.models import ActionItem, EventStatus, Invitee, Meeting
from meetings.selectors import (
    Suggestion,
    agency_suggestion,
    invitee_for_user,
    invitee_suggestions,
    meeting_ends_at,
    meeting_invitees,
    meeting_may_manage,
)
from pathways.models import Case
from plans.models import PLAN_CATEGORY
from plans.selectors import client_agencies, plan_rights
from referrals.models import DataCategory
from referrals.selectors import ClientAccess


def meeting_agencies(*, meeting: Meeting, invitees: list[Invitee]) -> list[Agency]:
    """Who may own an agreed action: the meeting's agencies that may see the client (the
    plan's rule; an agency taking part on consent alone needs a referral first)."""
    parties = {meeting.organiser_agency_id} | {i.agency_id for i in invitees if i.agency_id}
    return list(client_agencies(case=meeting.case).filter(pk__in=parties))


@dataclass(frozen=True)
class MeetingPage:
    """Everything the meeting page shows; the names are the template's."""

    meeting: Meeting
    case: Case
    access: ClientAccess
    ends_at: datetime
    invitees: list[Invitee]
    mine: Invitee | None  # the invitation the user answers, while the meeting is on
    rsvp_choices: list[tuple[str, str]]
    may_manage: bool
    scheduled: bool
    minutes_form: MinutesForm | None  # only to those who manage a scheduled meeting
    items: Any  # the action-item formset, likewise
    action_items: list[ActionItem]
    items_withheld: int  # agreed actions not the agency's to see
    withheld_reason: str
    history: QuerySet[ChangeRecord]
    logged: list[str]  # the data categories shown, for the use log


def meeting_page_build(
    *,
    meeting: Meeting,
    access: ClientAccess,
    user: User,
    role: str | None,
    minutes_form: MinutesForm | None = None,
    items: Any = None,
) -> MeetingPage:
    """The meeting for `user` acting for `access.agency` in `role`; refused minutes pass
    their form and action-item formset, with the errors on them."""
    agency = access.agency
    invitees = meeting_invitees(meeting=meeting)
    may_manage = role == Role.COORDINATOR and meeting_may_manage(
        meeting=meeting, user=user, agency=agency
    )
    scheduled = meeting.status == EventStatus.SCHEDULED
    managing = may_manage and scheduled
    if managing:
        minutes_form = minutes_form or MinutesForm(
            initial={"minutes": meeting.minutes, "decisions": meeting.decisions}
        )
        agencies = meeting_agencies(meeting=meeting, invitees=invitees)
        items = items or ActionItemFormSet(prefix="items", form_kwargs={"agencies": agencies})
    mine = invitee_for_user(meeting=meeting, user=user, agency=agency)
    # The agreed actions are in the employment plan: shown as the plan shows them.
    rights = plan_rights(case=meeting.case, access=access, role=role)
    all_items = list(meeting.action_items.select_related("owner_agency", "plan_action"))
    action_items = [item for item in all_items if rights.sees_action(item.owner_agency_id)]
    client_invitee = next((i for i in invitees if i.is_client), None)
    logged = [DataCategory.IDENTITY]
    if client_invitee is not None and client_invitee.email:
        logged.append(DataCategory.CONTACT)
    if action_items:
        logged.append(PLAN_CATEGORY)
    logged = [code for code in logged if access.shown(code)]
    return MeetingPage(
        meeting=meeting,
        case=meeting.case,
        access=access,
        ends_at=meeting_ends_at(meeting),
        invitees=invitees,
        mine=mine if scheduled and mine and not mine.is_client else None,
        rsvp_choices=RsvpForm.base_fields["rsvp"].choices,  # type: ignore[attr-defined]
        may_manage=may_manage,
        scheduled=scheduled,
        minutes_form=minutes_form if managing else None,
        items=items if managing else None,
        action_items=action_items,
        items_withheld=len(all_items) - len(action_items),
        withheld_reason=rights.withheld_reason,
        history=change_history(kind=ObjectKind.MEETING, object_id=meeting.public_id),
        logged=logged,
    )


def _agency_to_add(data: Any) -> Agency | None:
    """The agency the coordinator asked to add to the list (the form's "add" button)."""
    if data is None or data.get("action") != "add":
        return None
    value = data.get("add_agency", "")
    if not value.isdigit():
        return None
    return Agency.objects.filter(pk=int(value), is_active=True).first()


def _invitee_rows(
    *, case: Case, access: ClientAccess, data: Any, exclude: set[int], add: Agency | None
) -> list[Suggestion]:
    """The agency rows of the invitee form: the suggestions, then those the coordinator
    added in earlier rounds, then the one being added now."""
    rows = [s for s in invitee_suggestions(case=case, access=access) if s.agency.pk not in exclude]
    present = {row.agency.pk for row in rows}
    extra = [pk for pk in added_agency_ids(data) if pk not in present]
    if add is not None and add.pk not in present:
        extra.append(add.pk)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=extra, is_active=True)}
    for pk in dict.fromkeys(extra):
        if pk in agencies:
            rows.append(agency_suggestion(case=case, agency=agencies[pk]))
    return rows


@dataclass(frozen=True)
class InviteeStep:
    """The forms of one round of scheduling a meeting or inviting more people."""

    current: list[Invitee]  # those already invited, when inviting more
    invitees: InviteesForm
    details: MeetingForm | None  # only when scheduling
    submitted: bool  # False when the round only added an agency to the list
    logged: list[str]  # the client's name and what the agency rows show of the client


def invitee_step_build(
    *,
    case: Case,
    access: ClientAccess,
    data: Any,
    meeting: Meeting | None = None,
) -> InviteeStep:
    """The forms for scheduling a meeting (`meeting` None) or for inviting more people to
    `meeting`, from the posted `data` (None on the first look). Adding an agency to the
    list is not a submission and must not show errors for fields not filled in yet."""
    current = meeting_invitees(meeting=meeting) if meeting else []
    options: dict[str, Any] = {}
    if meeting is not None:
        # Those invited already are not offered again; the rows start unticked.
        options = {"ticked": False, "with_client": not any(i.is_client for i in current)}
    new = _agency_to_add(data)
    exclude = {i.agency_id for i in current if i.agency_id and i.person_id is None}
    rows = _invitee_rows(case=case, access=access, data=data, exclude=exclude, add=new)
    shown = [DataCategory.IDENTITY, *sorted(set().union(*(row.categories for row in rows)))]
    logged = [code for code in shown if access.shown(code)]
    if data is not None and data.get("action") == "add":
        initial = posted_as_initial(data, rows, new=new)
        return InviteeStep(
            current=current,
            invitees=InviteesForm(rows=rows, initial=initial, **options),
            details=None if meeting else MeetingForm(initial=initial),
            submitted=False,
            logged=logged,
        )
    tomorrow = today() + timedelta(days=1)
    return InviteeStep(
        current=current,
        invitees=InviteesForm(data, rows=rows, **options),
        details=None
        if meeting
        else MeetingForm(
            data, initial={"date": tomorrow, "starts_at": "10:00", "ends_at": "11:00"}
        ),
        submitted=data is not None,
        logged=logged,
    )

"""Forms of the case network meeting: its details, whom to invite, the answer and the
minutes. The rules (not in the past, an end after the start, a place or a link, who may
be invited) are the services'; these forms only turn the fields into their arguments."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from meetings.models import Meeting, Rsvp
from meetings.selectors import Suggestion, meeting_ends_at
from meetings.services import InviteeSpec
from referrals.forms import DATE_INPUT, LocalizedChoiceField

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NO_CLIENT_DATA = _(
    "Shown in everyone's calendar invitation: do not write the client's name or anything "
    "else that identifies the client."
)


def local_datetime(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=NO_CLIENT_DATA)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME_INPUT)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TIME_INPUT)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Also in the calendar invitation: no client data. Or give a video link."),
    )
    video_url = forms.URLField(
        label=_("Video link"), max_length=200, required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Shown only in Polku, to the participants; not in the invitation."),
    )
    # The overlapping meetings the coordinator has seen and accepted (see the view).
    acknowledged = forms.CharField(widget=forms.HiddenInput, required=False)

    # Service argument -> the field its errors belong on.
    FIELD_OF = {
        "title": "title",
        "starts_at": "starts_at",
        "duration_minutes": "ends_at",
        "place": "place",
        "video_url": "video_url",
        "agenda": "agenda",
    }

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        start = timezone.localtime(meeting.starts_at)
        end = timezone.localtime(meeting_ends_at(meeting))
        return {
            "title": meeting.title,
            "date": start.date(),
            "starts_at": start.time(),
            "ends_at": end.time(),
            "place": meeting.place,
            "video_url": meeting.video_url,
            "agenda": meeting.agenda,
        }

    def times(self) -> tuple[datetime, int]:
        """The start as an aware Helsinki time and the length in minutes (zero or less when
        the end is not after the start, which the service refuses on the end field)."""
        data = self.cleaned_data
        starts = local_datetime(data["date"], data["starts_at"])
        ends = local_datetime(data["date"], data["ends_at"])
        return starts, int((ends - starts).total_seconds() // 60)

    def details(self) -> dict[str, Any]:
        starts_at, duration = self.times()
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": starts_at,
            "duration_minutes": duration,
            "place": data["place"],
            "video_url": data["video_url"],
            "agenda": data["agenda"],
        }


class InviteesForm(forms.Form):
    """A row per agency (tick to invite, and whom of its people), the client, and a way to
    add an agency that was not suggested. Rows come from the suggestions, plus the agencies
    added earlier (carried in `added`)."""

    client = forms.BooleanField(label=_("Invite the client"), required=False)
    client_email = forms.EmailField(
        label=_("The client's e-mail"),
        required=False,
        help_text=_(
            "Optional. The client's invitation does not show the other participants, and "
            "theirs do not show the client."
        ),
    )
    added = forms.CharField(widget=forms.HiddenInput, required=False)
    add_agency = LocalizedChoiceField(
        label=_("Add another agency"),
        queryset=Agency.objects.filter(is_active=True).order_by("name_fi"),
        required=False,
        empty_label=_("(choose an agency)"),
    )

    def __init__(
        self,
        *args: Any,
        rows: list[Suggestion],
        ticked: bool = True,
        with_client: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        if not with_client:
            del self.fields["client"]
            del self.fields["client_email"]
        self.fields["added"].initial = ",".join(str(row.agency.pk) for row in rows)
        for row in rows:
            pk = row.agency.pk
            self.fields[f"invite_{pk}"] = forms.BooleanField(
                label=_("Invite %(agency)s") % {"agency": row.agency.name},
                required=False,
                initial=ticked and row.attend is not None,
            )
            contact_ids = {user.pk for user in row.contacts}
            choices: list[tuple[str, str]] = [("", str(_("The agency (nobody named)")))]
            for user in row.people:
                label = user.display_name
                if user.pk in contact_ids:
                    label = str(_("%(name)s (named contact person)") % {"name": label})
                choices.append((str(user.pk), label))
            self.fields[f"person_{pk}"] = forms.ChoiceField(
                label=_("Who from %(agency)s") % {"agency": row.agency.name},
                choices=choices,
                required=False,
                initial=str(row.default_person.pk) if row.default_person else "",
            )

    def row_fields(self) -> list[tuple[Suggestion, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"invite_{row.agency.pk}"], self[f"person_{row.agency.pk}"])
            for row in self.rows
        ]

    def specs(self) -> list[InviteeSpec]:
        data = self.cleaned_data
        specs = []
        for row in self.rows:
            pk = row.agency.pk
            if not data.get(f"invite_{pk}"):
                continue
            chosen = data.get(f"person_{pk}") or ""
            person: User | None = next((u for u in row.people if str(u.pk) == chosen), None)
            specs.append(InviteeSpec(agency=row.agency, person=person))
        if data.get("client"):
            specs.append(InviteeSpec(is_client=True, email=data.get("client_email") or ""))
        return specs

    def field_for_error(self, error: ValidationError) -> str | None:
        """The row a service's invitee error is about, or None for the whole form."""
        params = getattr(error, "params", None) or {}
        field = f"invite_{params.get('agency_id')}"
        if field in self.fields:
            return field
        if getattr(error, "code", None) == "client_twice" and "client" in self.fields:
            return "client"
        return None


def added_agency_ids(data: Any) -> list[int]:
    """The agencies added to the list in earlier rounds of the form, from its POST data."""
    ids = []
    for part in str(data.get("added", "") if data else "").split(","):
        if part.strip().isdigit():
            ids.append(int(part))
    return ids


def posted_as_initial(data: Any, rows: list[Suggestion], *, new: Agency | None) -> dict[str, Any]:
    """The invitee form as it was posted, as initial values: adding an agency to the list
    is not a submission and must not show errors for fields not filled in yet."""
    initial: dict[str, Any] = {key: data.get(key) for key in data}
    for row in rows:
        key = f"invite_{row.agency.pk}"
        initial[key] = bool(data.get(key)) or (new is not None and row.agency.pk == new.pk)
    initial["client"] = bool(data.get("client"))
    initial.pop("add_agency", None)
    initial.pop("added", None)
    return initial


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Rsvp if r != Rsvp.PENDING],
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ActionItemForm(forms.Form):
    text = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner_agency = LocalizedChoiceField(
        label=_("Owner agency"), queryset=Agency.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (for the type checker)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name_fi")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("text") or "").strip():
            if not data.get("owner_agency"):
                self.add_error("owner_agency", _("Choose the agency that owns the action."))
            if not data.get("due_on"):
                self.add_error("due_on", _("Give a due date."))
        return data

    @property
    def filled(self) -> bool:
        return bool((self.cleaned_data.get("text") or "").strip())


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=20)

# The minutes service's action-item error codes -> the field of the item's form.
ITEM_FIELD_OF = {"text": "text", "owner": "owner_agency", "due_on": "due_on"}


def minutes_action_items(filled: list[ActionItemForm]) -> list[tuple[str, Agency, date]]:
    """The agreed actions of the filled rows, as the minutes service takes them."""
    return [
        (f.cleaned_data["text"], f.cleaned_data["owner_agency"], f.cleaned_data["due_on"])
        for f in filled
    ]


def minutes_errors_apply(
    error: ValidationError, form: MinutesForm, filled: list[ActionItemForm]
) -> None:
    """Put the minutes service's errors on the action item and field they are about, the
    rest on the minutes form."""
    for key, errors in getattr(error, "error_dict", {None: error.error_list}).items():
        for item in errors:
            index = (getattr(item, "params", None) or {}).get("index")
            if key == "action_items" and index is not None and index < len(filled):
                filled[index].add_error(ITEM_FIELD_OF.get(item.code or ""), item)
            else:
                form.add_error(None, item)

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, Municipality
from pathways.models import CaseOutcome
from referrals.clients.identity import blind_index, hetu_normalise
from referrals.forms import DATE_INPUT, LocalizedChoiceField
from referrals.models import Client, Language, ReleaseType, ServiceLanguage
from referrals.selectors import client_access, client_find_by_index

NEW_CLIENT_FIELDS = ("first_name", "last_name", "home_municipality")


class ReleaseForm(forms.Form):
    """A new release: find the client by identity code, or record them, and the release."""

    hetu = forms.CharField(
        label=_("Personal identity code"),
        required=False,
        max_length=11,
        help_text=_("If the client has one. An existing client is found by it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Needed only without an identity code."),
    )
    first_name = forms.CharField(label=_("First names"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    home_municipality = LocalizedChoiceField(
        label=_("Home municipality"),
        queryset=Municipality.objects.filter(is_active=True).order_by("name_fi"),
        required=False,
    )
    mother_tongue = forms.ChoiceField(label=_("Mother tongue"), choices=Language.choices)
    service_language = forms.ChoiceField(
        label=_("Service language"), choices=ServiceLanguage.choices
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    address_protected = forms.BooleanField(
        label=_("Non-disclosure for personal safety (turvakielto)"),
        required=False,
        help_text=_("Contact details are then shown only to your agency."),
    )
    rise_unit = LocalizedChoiceField(
        label=_("Rise unit"),
        queryset=Agency.objects.filter(
            is_active=True,
            kind__in=[AgencyKind.RISE_PRISON, AgencyKind.RISE_COMMUNITY_SANCTIONS],
        ),
        empty_label=None,
    )
    expected_date = forms.DateField(label=_("Expected release date"), widget=DATE_INPUT)
    release_type = forms.ChoiceField(label=_("Release type"), choices=ReleaseType.choices)
    municipality_after = LocalizedChoiceField(
        label=_("Home municipality after release"),
        queryset=Municipality.objects.filter(is_active=True).order_by("name_fi"),
        required=False,
        help_text=_("Leave empty if it is the home municipality."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.client: Client | None = None
        # A client of another agency whose existence the answer gave away: the view
        # use-logs it (Act 703/2023 §10), and the security middleware limits the asking.
        self.other_agencys_client: Client | None = None

    def clean_hetu(self) -> str:
        value: str = self.cleaned_data["hetu"].strip().upper()
        if not value:
            return ""
        code = hetu_normalise(value)
        client = client_find_by_index(hetu_index=blind_index(code))
        if client is not None:
            if client_access(agency=self.agency, client=client) is None:
                self.other_agencys_client = client
                raise forms.ValidationError(
                    _(
                        "This client is recorded by another agency. Ask them to refer the "
                        "client to your agency."
                    ),
                    code="not_yours",
                )
            self.client = client
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.client is None and not self.has_error("hetu"):
            for name in NEW_CLIENT_FIELDS:
                if not data.get(name):
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _("Needed for a client not yet in Polku."), code="required"
                        ),
                    )
            if not data.get("hetu") and not data.get("birth_date"):
                self.add_error(
                    "birth_date",
                    forms.ValidationError(
                        _("Give the date of birth when there is no identity code."),
                        code="required",
                    ),
                )
        if not data.get("municipality_after"):
            data["municipality_after"] = (
                self.client.home_municipality if self.client else data.get("home_municipality")
            )
        return data

    def new_client(self) -> dict[str, Any] | None:
        if self.client is not None:
            return None
        data = self.cleaned_data
        return {
            "hetu": data["hetu"],
            "birth_date": data["birth_date"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "home_municipality": data["home_municipality"],
            "mother_tongue": data["mother_tongue"],
            "service_language": data["service_language"],
            "phone": data["phone"],
            "email": data["email"],
            "address": data["address"],
            "address_protected": data["address_protected"],
        }


class KelaGuidanceForm(forms.Form):
    instructed_on = forms.DateField(
        label=_("Date of Kela's instruction"),
        widget=DATE_INPUT,
        help_text=_("The client has one month from this day."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CaseOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for reasonableness considerations."),
    )

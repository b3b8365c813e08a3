from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from dpo.selectors import client_find_for_dpo
from referrals.clients.identity import blind_index, hetu_normalise
from referrals.models import Client


class UnechoedInput(forms.TextInput):
    """A text input that never writes what was typed back into the page."""

    def format_value(self, value: Any) -> None:
        return None


class ClientLookupForm(forms.Form):
    """Find a client in the agency's logs by identity code. Posted, so that the code never
    reaches a URL; the code is turned into its blind index and forgotten."""

    hetu = forms.CharField(
        label=_("Personal identity code"),
        max_length=11,
        widget=UnechoedInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.client: Client | None = None

    def clean_hetu(self) -> str:
        code = hetu_normalise(self.cleaned_data["hetu"].upper())
        client = client_find_for_dpo(agency=self.agency, hetu_index=blind_index(code))
        if client is None:
            # The same answer whether or not the client is in Polku at all.
            raise forms.ValidationError(
                _("Your agency's logs have no client with this identity code."),
                code="not_in_logs",
            )
        self.client = client
        return ""

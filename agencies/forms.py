from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from agencies.models import Membership


class ActingAgencyForm(forms.Form):
    agency = forms.UUIDField(label=_("Acting for"))

    def __init__(self, *args: object, memberships: list[Membership], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.memberships = memberships

    def clean_agency(self) -> Membership:
        wanted = self.cleaned_data["agency"]
        for membership in self.memberships:
            if membership.agency.public_id == wanted:
                return membership
        raise forms.ValidationError(_("You are not a member of that agency."), code="not_member")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Please enter a correct username and password. Both are case-sensitive."
        ),
        "inactive": _("This account is not in use."),
    }

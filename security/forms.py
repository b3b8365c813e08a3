from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agencies.models import User


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=_("The six digits your authenticator app shows, or one of your backup codes."),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        return "".join(code.split()).replace("-", "").lower()


class EnrolForm(forms.Form):
    """The code from the app and, unless a device is being replaced in a session it
    verified, the one-time activation code an administrator gave."""

    activation_code = forms.CharField(
        label=_("Activation code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Twelve characters from your administrator, valid for 72 hours and only once."),
    )
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Six digits."),
    )

    def __init__(self, *args: Any, needs_activation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_activation:
            # The activation code comes first on the page; the app's code after it.
            self.fields["code"].widget.attrs.pop("autofocus", None)
            self.fields["activation_code"].widget.attrs["autofocus"] = True
        else:
            del self.fields["activation_code"]

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("Enter the six digits the app shows."), code="format")
        return code


class PasswordConfirmForm(forms.Form):
    """The password again, before a change to the user's second factor. It goes through
    authenticate(), so wrong guesses count towards the lockout like on the login page."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(_("The password is not correct."), code="wrong")
        return password

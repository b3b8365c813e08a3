from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail address (optional)"),
        help_text=_("Give it if you want an answer."),
        max_length=254,
        required=False,
    )
    page = forms.CharField(
        label=_("The page your feedback concerns"),
        help_text=_("The page you came from; change it if your feedback is about another."),
        max_length=500,
        required=False,
    )
    message = forms.CharField(
        label=_("Your feedback"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Write your feedback.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

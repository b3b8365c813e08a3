"""Forms of the case page's stages and of moving the release date. Each stage's forms
carry the stage in their prefix, so that one page can hold a form per stage."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.forms import DATE_INPUT


def stage_prefix(stage_pk: int) -> str:
    return f"stage-{stage_pk}"


class SkipForm(forms.Form):
    # Required by the service, so that the error is the same with or without the form.
    reason = forms.CharField(
        label=_("Reason for skipping"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class AssignForm(forms.Form):
    person = forms.TypedChoiceField(
        label=_("Responsible person"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        field.choices = [("", _("Nobody named yet")), *people]


class ReleaseDateForm(forms.Form):
    expected_date = forms.DateField(label=_("New expected release date"), widget=DATE_INPUT)


class ReleaseRecordForm(forms.Form):
    released_on = forms.DateField(label=_("Day of release"), widget=DATE_INPUT)

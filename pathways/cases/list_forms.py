from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pathways.cases.list_selectors import CaseListFilters
from referrals.forms import DATE_INPUT

# "Release within": the days of the release countdown's reminders (1, 2 and 3 months).
RELEASE_WITHIN = (
    ("30", _("one month")),
    ("60", _("two months")),
    ("90", _("three months")),
)


class CaseListForm(forms.Form):
    """The filters of the case list. Every field is optional; a GET without any lists
    every case."""

    stage = forms.ChoiceField(label=_("Current stage"), required=False)
    release_within = forms.ChoiceField(
        label=_("Release within"),
        required=False,
        choices=[("", _("Any time")), *RELEASE_WITHIN],
    )
    released_from = forms.DateField(
        label=_("Released on or after"), required=False, widget=DATE_INPUT
    )
    released_until = forms.DateField(
        label=_("Released on or before"), required=False, widget=DATE_INPUT
    )
    overdue = forms.BooleanField(
        label=_("Only paths with an overdue stage of my agency"), required=False
    )

    def __init__(self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *stages]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        within, since, until = (
            data.get("release_within"),
            data.get("released_from"),
            data.get("released_until"),
        )
        if within and (since or until):
            raise forms.ValidationError(
                _("Choose either how soon the release is or the dates, not both."),
                code="window_twice",
            )
        if since and until and until < since:
            self.add_error(
                "released_until",
                forms.ValidationError(
                    _("The end date cannot be before the start date."), code="inverted"
                ),
            )
        return data

    def filters(self, *, today: date) -> CaseListFilters:
        """The cleaned filters; call after is_valid()."""
        data = self.cleaned_data
        within = data.get("release_within")
        return CaseListFilters(
            stage=data.get("stage") or "",
            released_from=today if within else data.get("released_from"),
            released_until=today + timedelta(days=int(within))
            if within
            else data.get("released_until"),
            overdue=bool(data.get("overdue")),
        )

"""Forms of the assessment and plan pages. They only parse input: what may be saved is
checked by plans.services, whose errors are keyed by these forms' field names."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from plans.models import (
    Assessment,
    AssessmentEntry,
    Domain,
    EmployerType,
    NeedLevel,
    OutcomeKind,
    PlanGoal,
)
from referrals.forms import DATE_INPUT, LocalizedChoiceField

TEXTAREA = forms.Textarea(attrs={"rows": 3})
NOTE_MAX = 2000


class EntriesForm(forms.Form):
    """The acting agency's own part of the assessment: a need level and a note per domain."""

    def __init__(self, *args: Any, own: Iterable[AssessmentEntry] = (), **kwargs: Any) -> None:
        existing = {entry.domain: entry for entry in own}
        kwargs.setdefault(
            "initial",
            {
                key: value
                for domain, entry in existing.items()
                for key, value in ((f"need_{domain}", entry.need), (f"note_{domain}", entry.note))
            },
        )
        super().__init__(*args, **kwargs)
        for domain in Domain:
            self.fields[f"need_{domain.value}"] = forms.ChoiceField(
                label=_("Need for support"),
                choices=[("", _("Not assessed")), *NeedLevel.choices],
                required=False,
            )
            self.fields[f"note_{domain.value}"] = forms.CharField(
                label=_("Note"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=NOTE_MAX,
            )

    def domains(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        """(domain, its name, need field, note field), in the domains' order."""
        return [
            (
                domain.value,
                str(domain.label),
                self[f"need_{domain.value}"],
                self[f"note_{domain.value}"],
            )
            for domain in Domain
        ]

    def entries(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            domain.value: (data[f"need_{domain.value}"], data[f"note_{domain.value}"])
            for domain in Domain
        }


class AgenciesField(forms.ModelMultipleChoiceField[Agency]):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Agency) -> str:
        return str(obj)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of needs"), widget=TEXTAREA, required=False, max_length=NOTE_MAX
    )
    suggested_services = forms.CharField(
        label=_("Suggested services"), widget=TEXTAREA, required=False, max_length=NOTE_MAX
    )
    suggested_agencies = AgenciesField(
        label=_("Agencies to involve"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["suggested_agencies"]
        assert isinstance(field, AgenciesField)  # noqa: S101
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by(
            "kind", "name_fi"
        )


def summary_form_build(
    assessment: Assessment | None, suggested: list[Agency], data: QueryDict | None = None
) -> SummaryForm:
    """The agencies to choose from: the ones the needs suggest and the ones chosen before."""
    chosen = list(assessment.suggested_agencies.all()) if assessment else []
    agencies = {a.pk: a for a in [*suggested, *chosen]}.values()
    return SummaryForm(
        data,
        agencies=agencies,
        initial={
            "summary": assessment.summary if assessment else "",
            "suggested_services": assessment.suggested_services if assessment else "",
            "suggested_agencies": chosen,
        },
    )


class GoalForm(forms.Form):
    # The goal and action forms share a page: prefixes keep their ids apart.
    prefix = "goal"
    text = forms.CharField(
        label=_("New goal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX
    )


class ActionForm(forms.Form):
    prefix = "action"
    text = forms.CharField(
        label=pgettext_lazy("plan action", "Action"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX,
    )
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    owner_agency = LocalizedChoiceField(
        label=_("Agency responsible"), queryset=Agency.objects.none()
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, goals: Iterable[PlanGoal], agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        assert isinstance(goal, forms.TypedChoiceField)  # noqa: S101
        goal.choices = [("", _("No goal")), *((g.pk, f"{g.order}. {g.text[:80]}") for g in goals)]
        owner = self.fields["owner_agency"]
        assert isinstance(owner, LocalizedChoiceField)  # noqa: S101
        owner.queryset = agencies


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Outcome"), choices=OutcomeKind.choices, widget=forms.RadioSelect
    )
    employer_type = forms.ChoiceField(
        label=_("Employer type"),
        choices=[("", _("(not employment)")), *EmployerType.choices],
        required=False,
        help_text=_("Required for employment."),
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"),
        max_digits=4,
        decimal_places=1,
        required=False,
        help_text=_("More than 0 and at most 80."),
    )
    start_date = forms.DateField(
        label=_("Start date"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Required for employment."),
    )
    note = forms.CharField(label=_("Note"), widget=TEXTAREA, required=False, max_length=NOTE_MAX)


class FollowUpForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Follow-up"),
        coerce=int,
        choices=[
            (3, _("3 months after release")),
            (6, _("6 months after release")),
            (12, _("12 months after release")),
        ],
        widget=forms.RadioSelect,
    )
    still_holds = forms.TypedChoiceField(
        label=_("Does the outcome still hold?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=TEXTAREA, required=False, max_length=NOTE_MAX)

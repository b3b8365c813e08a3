"""Forms of the pathway-template editor. The rules across stages live in
`pathways.templates.checks` and are applied by the services; these forms check only the input."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind
from pathways.models import AnchorKind, Audience, PathwayTemplate, StageAction, StageTemplate
from pathways.templates.services import ChecklistItemData, ReminderData
from referrals.events import PathEvent

# Ten years either side of the anchor is more than any path needs, and keeps the days
# inside the database's small integers.
MAX_DAYS = 3650
NAME_LENGTH = 200
IMPORT_MAX_BYTES = 1_000_000


def _names(prefix: str = "Name") -> dict[str, forms.CharField]:
    labels = {
        "Name": (_("Name in Finnish"), _("Name in Swedish"), _("Name in English")),
        "Message": (_("Message in Finnish"), _("Message in Swedish"), _("Message in English")),
    }[prefix]
    return {
        f"name_{language}": forms.CharField(label=label, max_length=NAME_LENGTH)
        for language, label in zip(("fi", "sv", "en"), labels, strict=True)
    }


def _days(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=-MAX_DAYS,
        max_value=MAX_DAYS,
        help_text=_("Negative days are before the anchor date, e.g. -90."),
    )


class TemplateDraftForm(forms.Form):
    name_fi, name_sv, name_en = _names().values()
    description_fi = forms.CharField(
        label=_("Description in Finnish"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_sv = forms.CharField(
        label=_("Description in Swedish"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    anchor = forms.ChoiceField(
        label=_("Windows count from"),
        choices=AnchorKind.choices,
        help_text=_("The date every stage window is counted from."),
    )

    @classmethod
    def initial_for(cls, template: PathwayTemplate) -> dict[str, Any]:
        return {name: getattr(template, name) for name in cls.base_fields}


class StageForm(forms.Form):
    name_fi, name_sv, name_en = _names().values()
    responsible_kind = forms.ChoiceField(
        label=_("Responsible agency kind"), choices=AgencyKind.choices
    )
    window_start = _days(_("Window opens (days from the anchor)"))
    window_end = _days(_("Window closes (days from the anchor)"))
    is_anchor = forms.BooleanField(
        label=_("This stage is the anchor event (day 0)"), required=False
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=StageAction.choices,
        help_text=_("What Polku offers to do when the stage's window opens."),
    )
    start_events = forms.MultipleChoiceField(
        label=_("Starts by itself when"),
        choices=PathEvent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A stage not yet started starts when one of these happens."),
    )
    complete_events = forms.MultipleChoiceField(
        label=_("Is done by itself when"),
        choices=PathEvent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A stage not yet done or skipped is marked done when one of these happens."),
    )
    # Left out, a stage stays where it is and a new one goes last.
    position = forms.TypedChoiceField(
        label=_("Place in the path"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, others: Sequence[StageTemplate], **kwargs: Any) -> None:
        """`others`: the template's other stages in order, for the place choice."""
        super().__init__(*args, **kwargs)
        choices = [(1, _("First"))] + [
            (i, _("After “%(stage)s”") % {"stage": stage.name})
            for i, stage in enumerate(others, start=2)
        ]
        cast(forms.TypedChoiceField, self.fields["position"]).choices = choices

    @classmethod
    def initial_for(cls, stage: StageTemplate | None, *, position: int) -> dict[str, Any]:
        values = (
            {name: getattr(stage, name) for name in cls.base_fields if name != "position"}
            if stage
            else {}
        )
        return {**values, "position": position}


class ChecklistItemForm(forms.Form):
    name_fi, name_sv, name_en = _names().values()
    ticked_on = forms.ChoiceField(
        label=_("Ticked by itself when"),
        choices=[("", _("Only by hand")), *PathEvent.choices],
        required=False,
    )


class ReminderForm(forms.Form):
    offset_days = forms.IntegerField(
        label=_("Days from the anchor"),
        min_value=-MAX_DAYS,
        max_value=MAX_DAYS,
        help_text=_("Negative days are before the anchor date, e.g. -90."),
    )
    # The select always posts a value: with it as the initial, the empty row the page
    # offers for a new reminder stays unchanged and is left out.
    audience = forms.ChoiceField(
        label=_("To whom"), choices=Audience.choices, initial=Audience.RESPONSIBLE
    )
    name_fi, name_sv, name_en = _names("Message").values()


class _ListFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """A list whose order is the order of its rows; deleted rows and blank new ones drop
    out. Rows already saved stay even when unchanged."""

    def kept(self) -> list[dict[str, Any]]:
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for i, form in enumerate(self.forms)
            if (i < self.initial_form_count() or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]


class ChecklistFormSet(_ListFormSet):
    def items(self) -> list[ChecklistItemData]:
        return [
            ChecklistItemData(
                name_fi=row["name_fi"],
                name_sv=row["name_sv"],
                name_en=row["name_en"],
                ticked_on=row.get("ticked_on") or "",
            )
            for row in self.kept()
        ]


class ReminderFormSet(_ListFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[int, str]] = set()
        for row in self.kept():
            key = (row["offset_days"], row["audience"])
            if key in seen:
                raise forms.ValidationError(
                    _("Two reminders of a stage cannot go to the same people on the same day."),
                    code="duplicate_reminder",
                )
            seen.add(key)

    def items(self) -> list[ReminderData]:
        return [
            ReminderData(
                offset_days=row["offset_days"],
                audience=row["audience"],
                name_fi=row["name_fi"],
                name_sv=row["name_sv"],
                name_en=row["name_en"],
            )
            for row in self.kept()
        ]


ChecklistFormSetClass = cast(
    type[ChecklistFormSet],
    forms.formset_factory(ChecklistItemForm, formset=ChecklistFormSet, extra=1, can_delete=True),
)
ReminderFormSetClass = cast(
    type[ReminderFormSet],
    forms.formset_factory(ReminderForm, formset=ReminderFormSet, extra=1, can_delete=True),
)


class TemplateImportForm(forms.Form):
    file = forms.FileField(
        label=_("YAML file"),
        help_text=_("A pathway exported from Polku or written in the same format."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 1 MB)."))
        data: bytes = upload.read()
        return data


@dataclass(frozen=True)
class StageForms:
    """The stage editor's forms, on one page: the stage, its checklist, its reminders."""

    form: StageForm
    checklist: ChecklistFormSet
    reminders: ReminderFormSet

    def is_valid(self) -> bool:
        # Every form is validated, so that the page shows all their errors at once.
        return all([self.form.is_valid(), self.checklist.is_valid(), self.reminders.is_valid()])


def stage_forms_build(
    *, stage: StageTemplate | None, stages: list[StageTemplate], data: QueryDict | None
) -> StageForms:
    """The forms for `stage` (None for a new one) among the template's `stages`, bound
    to `data` when it was posted."""
    others = [s for s in stages if stage is None or s.pk != stage.pk]
    position = stages.index(stage) + 1 if stage else len(stages) + 1
    checklist = [
        {"name_fi": i.name_fi, "name_sv": i.name_sv, "name_en": i.name_en, "ticked_on": i.ticked_on}
        for i in (stage.checklist.all() if stage else [])
    ]
    reminders = [
        {
            "offset_days": r.offset_days,
            "audience": r.audience,
            "name_fi": r.name_fi,
            "name_sv": r.name_sv,
            "name_en": r.name_en,
        }
        for r in (stage.reminders.all() if stage else [])
    ]
    return StageForms(
        form=StageForm(
            data, initial=StageForm.initial_for(stage, position=position), others=others
        ),
        checklist=ChecklistFormSetClass(data, prefix="checklist", initial=checklist),
        reminders=ReminderFormSetClass(data, prefix="reminders", initial=reminders),
    )

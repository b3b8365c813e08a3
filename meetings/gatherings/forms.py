from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from meetings.gatherings.services import GatheringData, ProgrammeItemData
from meetings.models import Gathering
from referrals.forms import LocalizedChoiceField

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_PROGRAMME_ITEMS = 40


class GatheringForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    region = LocalizedChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(is_active=True).order_by("name_fi"),
        help_text=_("Staff of every agency in the region see the gathering and may register."),
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    @staticmethod
    def initial_for(gathering: Gathering) -> dict[str, Any]:
        return {
            "title": gathering.title,
            "region": gathering.region,
            "starts_at": timezone.localtime(gathering.starts_at),
            "ends_at": timezone.localtime(gathering.ends_at),
            "place": gathering.place,
            "video_url": gathering.video_url,
            "description": gathering.description,
        }

    def data_object(self) -> GatheringData:
        data = self.cleaned_data
        return GatheringData(
            region=data["region"],
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            description=data["description"],
            place=data["place"],
            video_url=data["video_url"],
        )


class ProgrammeItemForm(forms.Form):
    starts_at = forms.TimeField(label=_("Time"), widget=TIME_INPUT)
    title = forms.CharField(label=_("Title"), max_length=200)
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)


class ProgrammeFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The programme's rows in page order; deleted rows and blank new ones drop out."""

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for i, form in enumerate(self.forms)
            if (i < self.initial_form_count() or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]

    def items(self) -> list[ProgrammeItemData]:
        return [
            ProgrammeItemData(
                starts_at=form.cleaned_data["starts_at"],
                title=form.cleaned_data["title"],
                speaker=form.cleaned_data["speaker"],
                organisation=form.cleaned_data["organisation"],
            )
            for form in self.kept_forms()
        ]

    def add_item_errors(self, errors: list[ValidationError]) -> None:
        """Put the service's programme errors on the time of the row they are about."""
        kept = self.kept_forms()
        for error in errors:
            index = (error.params or {}).get("index")
            if isinstance(index, int) and 0 <= index < len(kept):
                kept[index].add_error("starts_at", error)


def programme_formset(
    data: Any, *, gathering: Gathering | None, prefix: str = "programme"
) -> ProgrammeFormSet:
    """The programme rows; a new gathering gets room for a typical programme, since the
    page works without JavaScript and cannot add rows on the fly."""
    formset_class = cast(
        type[ProgrammeFormSet],
        forms.formset_factory(
            ProgrammeItemForm,
            formset=ProgrammeFormSet,
            extra=5 if gathering is None else 2,
            can_delete=True,
            max_num=MAX_PROGRAMME_ITEMS,
            validate_max=True,
        ),
    )
    return formset_class(data, prefix=prefix, initial=programme_initial(gathering))


def programme_initial(gathering: Gathering | None) -> list[dict[str, Any]]:
    if gathering is None:
        return []
    return [
        {
            "starts_at": item.starts_at,
            "title": item.title,
            "speaker": item.speaker,
            "organisation": item.organisation,
        }
        for item in gathering.programme.all()
    ]

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, User
from referrals.models import ConsentMethod, DataCategory, LegalBasis

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LocalizedChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class CategoriesField(forms.ModelMultipleChoiceField[DataCategory]):
    widget = forms.CheckboxSelectMultiple

    def clean(self, value: Any) -> Any:
        # A posted value that is no row id is refused here: SQLite cannot even bind an
        # integer beyond 64 bits in the IN list that the parent's check runs.
        prepared = self.prepare_value(value)
        for pk in prepared if isinstance(prepared, list | tuple) else ():
            if not str(pk).isascii() or not str(pk).isdigit() or len(str(pk)) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class ConsentForm(forms.Form):
    recipient_agency = LocalizedChoiceField(
        label=_("To one agency"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label=_("(choose, or a kind of agency below)"),
    )
    recipient_kind = forms.ChoiceField(
        label=_("Or to every agency of a kind"),
        choices=[("", _("(none)")), *AgencyKind.choices],
        required=False,
    )
    categories = CategoriesField(
        label=_("Data the client consents to disclose"), queryset=DataCategory.objects.all()
    )
    given_on = forms.DateField(label=_("Given on"), widget=DATE_INPUT)
    method = forms.ChoiceField(label=_("How it was given"), choices=ConsentMethod.choices)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty if the consent has no end date."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("recipient_agency")) == bool(data.get("recipient_kind")):
            self.add_error("recipient_agency", _("Choose either one agency or a kind of agency."))
        return data


class ReferralForm(forms.Form):
    recipient_agency = LocalizedChoiceField(
        label=_("Recipient agency"), queryset=Agency.objects.filter(is_active=True)
    )
    recipient_person = UserChoiceField(
        label=_("Named contact person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("(the agency's inbox)"),
    )
    basis = LocalizedChoiceField(
        label=_("Legal basis"), queryset=LegalBasis.objects.all(), empty_label=None
    )
    categories = CategoriesField(label=_("Data to disclose"), queryset=DataCategory.objects.all())
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the recipient needs to know to act. Only data the basis allows."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, sender: Agency, contact_people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient_agency"]
        assert isinstance(recipient, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        recipient.queryset = Agency.objects.filter(is_active=True).exclude(pk=sender.pk)
        person = self.fields["recipient_person"]
        assert isinstance(person, forms.ModelChoiceField)  # noqa: S101
        person.queryset = contact_people


class AcceptForm(forms.Form):
    assignee = UserChoiceField(label=_("Responsible person"), queryset=User.objects.none())

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = members


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

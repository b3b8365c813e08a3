from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, ContactChannel, ContactPerson, ContactTopic, Membership, User
from agencies.selectors import agency_members


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


class MemberChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ContactPersonForm(forms.Form):
    """A coordinator names one of their agency's members as the contact person for a topic."""

    topic = forms.ModelChoiceField(label=_("Topic"), queryset=ContactTopic.objects.all())
    person = MemberChoiceField(label=_("Contact person"), queryset=User.objects.none())
    substitute = MemberChoiceField(
        label=_("Substitute"), queryset=User.objects.none(), required=False
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=ContactChannel.choices
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    secure_email = forms.EmailField(label=_("Secure e-mail"), required=False)
    video_url = forms.URLField(label=_("Video meeting link"), required=False, assume_scheme="https")
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example when and how to reach the person. No client data."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = agency_members(agency=agency)
        for name in ("person", "substitute"):
            cast(MemberChoiceField, self.fields[name]).queryset = members

    @classmethod
    def initial_for(cls, contact: ContactPerson) -> dict[str, Any]:
        return {
            "topic": contact.topic,
            "person": contact.person,
            "substitute": contact.substitute,
            "preferred_channel": contact.preferred_channel,
            "phone": contact.phone,
            "secure_email": contact.secure_email,
            "video_url": contact.video_url,
            "notes": contact.notes,
        }

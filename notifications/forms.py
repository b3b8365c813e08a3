from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import EmailDelivery
from notifications.inbox_services import INVALID_DELIVERY


class EmailDeliveryForm(forms.Form):
    email_delivery = forms.ChoiceField(
        label=_("Send my notifications by e-mail"),
        choices=EmailDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": INVALID_DELIVERY, "invalid_choice": INVALID_DELIVERY},
    )

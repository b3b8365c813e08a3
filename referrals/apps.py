from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Clients and referrals")

    def ready(self) -> None:
        from history.models import ObjectKind
        from history.registry import kind_model_register
        from referrals.models import Client, Referral

        # The change history names the recorded fields by these models' verbose names.
        kind_model_register(kind=ObjectKind.CLIENT, model=Client)
        kind_model_register(kind=ObjectKind.REFERRAL, model=Referral)

        from referrals import notification_kinds

        # What a referral's reminders are called and say.
        notification_kinds.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = _("Pathways and cases")

    def ready(self) -> None:
        from pathways.reactions import referral_event_react
        from referrals.events import referral_reaction_register

        referral_reaction_register(referral_event_react)

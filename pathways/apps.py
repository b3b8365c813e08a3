from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = _("Pathways and cases")

    def ready(self) -> None:
        from pathways.cases.reactions import referral_event_react
        from referrals.events import referral_reaction_register

        referral_reaction_register(referral_event_react)

        from pathways.cases import links as case_links

        # What the referral pages and the notification list show of a case.
        case_links.register()

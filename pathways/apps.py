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

        from pathways.cases import notification_kinds

        # What the release countdown and the stages' reminders are called and say.
        notification_kinds.register()

        from history.models import ObjectKind
        from history.registry import kind_model_register
        from pathways.models import Case, CaseStage

        # The change history names the recorded fields by these models' verbose names; a
        # stage's fields are recorded on its case as "stages.<order>.<field>".
        kind_model_register(kind=ObjectKind.CASE, model=Case, parts={"stages": CaseStage})

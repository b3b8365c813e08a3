from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Assessments, plans and outcomes"

    def ready(self) -> None:
        from history.models import ObjectKind
        from history.registry import kind_model_register
        from plans.models import Assessment, EmploymentPlan

        # The change history names the recorded fields by these models' verbose names.
        kind_model_register(kind=ObjectKind.PLAN, model=EmploymentPlan)
        kind_model_register(kind=ObjectKind.ASSESSMENT, model=Assessment)

        from plans import notification_kinds

        # What the plan's and the follow-ups' reminders are called and say.
        notification_kinds.register()

        from pathways.cases.sections import case_section_register
        from plans.case_section import SECTION

        # What the case page shows of this app.
        case_section_register(SECTION)

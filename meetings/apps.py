from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and gatherings"

    def ready(self) -> None:
        from history.models import ObjectKind
        from history.registry import kind_model_register
        from meetings.models import Meeting

        # The change history names the recorded fields by this model's verbose names.
        kind_model_register(kind=ObjectKind.MEETING, model=Meeting)

        from meetings import notification_kinds

        # What the invitees and registrants are told of a change.
        notification_kinds.register()

        from meetings.case_section import SECTION
        from pathways.cases.sections import case_section_register

        # What the case page shows of this app.
        case_section_register(SECTION)

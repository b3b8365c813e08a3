"""Labels for the change history (templates/history/_history.html).

A change record keeps an action code and field names, never values; these filters turn
them into words in the reader's language. Field names are read from the models' own
verbose names, following dotted paths across relations ("release.expected_date"), so a
new field needs no entry here.
"""

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from history.models import ChangeRecord, ObjectKind

register = template.Library()

KIND_MODELS = {
    ObjectKind.CLIENT: "referrals.Client",
    ObjectKind.REFERRAL: "referrals.Referral",
    ObjectKind.CASE: "pathways.Case",
    ObjectKind.PLAN: "plans.EmploymentPlan",
    ObjectKind.ASSESSMENT: "plans.Assessment",
    ObjectKind.MEETING: "meetings.Meeting",
}

# The actions the services record, in all apps; an action not listed shows as recorded.
ACTIONS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "consent recorded": gettext_lazy("Consent recorded"),
    "consent withdrawn": gettext_lazy("Consent withdrawn"),
    "sent": gettext_lazy("Sent"),
    "opened": gettext_lazy("Opened"),
    "accepted": gettext_lazy("Accepted"),
    "returned": gettext_lazy("Returned"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "closed": gettext_lazy("Closed"),
    "started": gettext_lazy("Path started"),
    "stage start": gettext_lazy("Stage started"),
    "stage complete": gettext_lazy("Stage marked done"),
    "stage skip": gettext_lazy("Stage skipped"),
    "stage reopen": gettext_lazy("Stage reopened"),
    "stage assigned": gettext_lazy("Responsible person named"),
    "checklist ticked": gettext_lazy("Checklist item ticked"),
    "checklist unticked": gettext_lazy("Checklist item unticked"),
    "release date moved": gettext_lazy("Release date moved"),
    "release recorded": gettext_lazy("Release recorded"),
    # The path's own moves (pathways.cases.reactions), one per PathEvent: "path: <event>".
    "path: referral_sent": gettext_lazy("Path moved: referral sent"),
    "path: referral_opened": gettext_lazy("Path moved: referral opened"),
    "path: referral_accepted": gettext_lazy("Path moved: referral accepted"),
    "path: referral_returned": gettext_lazy("Path moved: referral returned"),
    "path: assessment_completed": gettext_lazy("Path moved: service-need assessment completed"),
    "path: release_recorded": gettext_lazy("Path moved: release recorded"),
    "path: plan_signed": gettext_lazy("Path moved: employment plan signed"),
    "path: plan_reviewed": gettext_lazy("Path moved: employment plan reviewed"),
    "path: meeting_held": gettext_lazy("Path moved: network meeting held"),
    "path: outcome_recorded": gettext_lazy("Path moved: outcome recorded"),
    "path: kela_registration_recorded": gettext_lazy("Path moved: Kela registration recorded"),
    "outcome recorded": gettext_lazy("Outcome recorded"),
    "entries saved": gettext_lazy("Assessment entries saved"),
    "summary saved": gettext_lazy("Summary saved"),
    "completed": gettext_lazy("Completed"),
    "reopened": gettext_lazy("Reopened"),
    "goal added": gettext_lazy("Goal added"),
    "goal removed": gettext_lazy("Goal removed"),
    "action added": gettext_lazy("Action added"),
    "action start": gettext_lazy("Action started"),
    "action complete": gettext_lazy("Action done"),
    "action cancel": gettext_lazy("Action cancelled"),
    "action reopen": gettext_lazy("Action reopened"),
    "version frozen": gettext_lazy("Version sent for sign-off"),
    "signed off": gettext_lazy("Signed off"),
    "follow-up recorded": gettext_lazy("Follow-up recorded"),
    "scheduled": gettext_lazy("Meeting scheduled"),
    "cancelled": gettext_lazy("Cancelled"),
    "invited": gettext_lazy("Invited"),
    "uninvited": gettext_lazy("Invitation withdrawn"),
    "answered": gettext_lazy("Invitation answered"),
    "minutes recorded": gettext_lazy("Minutes recorded"),
    "clear": gettext_lazy("Data cleared after retention"),
    "anonymise": gettext_lazy("Anonymised after retention"),
    "delete": gettext_lazy("Deleted after retention"),
}

# Names that are not a model field of their own.
NAMES = {
    "hetu": gettext_lazy("personal identity code"),
    "stages": gettext_lazy("stages"),
    "ticks": gettext_lazy("checklist"),
}


def _plain(name: str) -> str:
    return name.replace("_", " ")


def _model_field_label(model: type[Model] | None, path: list[str]) -> str:
    """The verbose name at the end of `path`, following relations; the plain name when
    the path does not lead to a field."""
    try:
        for part in path[:-1]:
            if model is None:
                raise LookupError(part)
            model = model._meta.get_field(part).related_model  # type: ignore[assignment]
        if model is None:
            raise LookupError(path[-1])
        return str(model._meta.get_field(path[-1]).verbose_name)  # type: ignore[union-attr]
    except (FieldDoesNotExist, LookupError, AttributeError):
        return _plain(path[-1])


def field_label(kind: str, name: str) -> str:
    if name in NAMES:
        return str(NAMES[name])
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "stages" and parts[1].isdigit():
        stage_field = NAMES.get(parts[2]) or _model_field_label(
            apps.get_model("pathways", "CaseStage"), parts[2:]
        )
        return _("stage %(number)s: %(field)s") % {"number": parts[1], "field": stage_field}
    try:
        model: type[Model] | None = apps.get_model(KIND_MODELS[ObjectKind(kind)])
    except (KeyError, ValueError, LookupError):
        model = None
    return _model_field_label(model, parts)


@register.filter
def change_action(action: str) -> str:
    return str(ACTIONS.get(action, _plain(action)))


@register.filter
def change_fields(record: ChangeRecord) -> str:
    return ", ".join(field_label(record.object_kind, name) for name in record.fields)

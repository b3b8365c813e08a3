"""Labels for the change history (templates/history/_history.html).

A change record keeps an action code and field names, never values; these filters turn
them into words in the reader's language. An action's label is its ChangeAction label.
Field names are read from the models' own verbose names (the models each kind is
registered with, history.registry), following dotted paths across relations
("release.expected_date"), so a new field needs no entry here.
"""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from history.models import ChangeAction, ChangeRecord
from history.registry import kind_model, kind_part_model

register = template.Library()

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
            kind_part_model(kind=kind, part="stages"), parts[2:]
        )
        return _("stage %(number)s: %(field)s") % {"number": parts[1], "field": stage_field}
    return _model_field_label(kind_model(kind=kind), parts)


@register.filter
def change_action(action: str) -> str:
    """An action that is not a ChangeAction (none should be) shows as it was recorded."""
    if action in ChangeAction.values:
        return str(ChangeAction(action).label)
    return _plain(action)


@register.filter
def change_fields(record: ChangeRecord) -> str:
    return ", ".join(field_label(record.object_kind, name) for name in record.fields)

"""The models behind each kind of object the history records, told by the apps that own
them (in their AppConfig.ready): history sits below those apps and names none of them.

The change history's labels read a recorded field's name from the model's own verbose
name; a kind's `parts` are its numbered sub-objects ("stages.3.status" of a case).
"""

from collections.abc import Mapping

from django.db.models import Model

from history.models import ObjectKind

_models: dict[str, type[Model]] = {}
_parts: dict[str, dict[str, type[Model]]] = {}


def kind_model_register(
    *, kind: ObjectKind, model: type[Model], parts: Mapping[str, type[Model]] | None = None
) -> None:
    """Registering a kind again replaces what it was registered with."""
    _models[kind] = model
    _parts[kind] = dict(parts or {})


def kind_model(*, kind: str) -> type[Model] | None:
    return _models.get(kind)


def kind_part_model(*, kind: str, part: str) -> type[Model] | None:
    return _parts.get(kind, {}).get(part)

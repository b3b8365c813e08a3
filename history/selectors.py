from collections.abc import Iterable
from uuid import UUID

from django.db.models import QuerySet

from history.models import ChangeRecord


def change_history(
    *, kind: str, object_id: UUID, hide_actions: Iterable[str] = ()
) -> QuerySet[ChangeRecord]:
    """An object's changes, newest first, without `hide_actions` (changes whose time the
    viewer may not know). Callers have already checked that the viewer may see the
    object."""
    return (
        ChangeRecord.objects.filter(object_kind=kind, object_id=object_id)
        .exclude(action__in=list(hide_actions))
        .select_related("agency")
    )

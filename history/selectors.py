from uuid import UUID

from django.db.models import QuerySet

from history.models import ChangeRecord


def change_history(*, kind: str, object_id: UUID) -> QuerySet[ChangeRecord]:
    """An object's changes, newest first. Callers have already checked that the viewer
    may see the object."""
    return ChangeRecord.objects.filter(object_kind=kind, object_id=object_id).select_related(
        "agency"
    )

from collections.abc import Iterable
from uuid import UUID

from agencies.models import Agency, User
from history.models import ChangeAction, ChangeRecord


def change_record(
    *,
    kind: str,
    object_id: UUID,
    user: User | None,
    agency: Agency | None,
    action: ChangeAction,
    fields: Iterable[str] = (),
) -> ChangeRecord:
    """Record a change; call it inside the transaction that makes the change."""
    return ChangeRecord.objects.create(
        object_kind=kind,
        object_id=object_id,
        user=user,
        username=user.get_username() if user else "",
        agency=agency,
        action=action,
        fields=sorted(set(fields)),
    )

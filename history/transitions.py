"""One way to change an object's status (docs/adr/0021-transition-engine.md).

Each status machine is a `Transitions` table: from each status, the named moves allowed
and the status each leads to, and the change-history action each move is recorded as.

`transition_apply` makes one move asked for by a person: it locks the row, checks the
move against the status the row has now (and against whatever else the caller's `may`
says of the locked row), moves it with a conditional UPDATE, so that of two racing moves
from the same status exactly one wins, and writes the object's own event line and the
change record in the caller's transaction. A move that cannot be made raises the table's
conflict error, a `TransitionConflict`.

`transition_try` is the move Polku makes by itself on an event: without a lock, made only
if the row still stands where it was read, and otherwise nothing.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from history.models import ChangeAction, ObjectKind
from history.services import change_record

M = TypeVar("M", bound=models.Model)
# A table for any model serves each of its subclasses: it only reads the row it is given.
M_contra = TypeVar("M_contra", bound=models.Model, contravariant=True)


class TransitionConflict(ValidationError):
    """The object is not in a status the move starts from: someone else moved it first."""

    def __init__(
        self, message: Any, code: str | None = "conflict", params: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, code=code, params=params)


def _conflict(obj: models.Model) -> TransitionConflict:
    return TransitionConflict(
        _("Someone else changed this first; reload the page to see its current state.")
    )


@dataclass(frozen=True)
class Transitions(Generic[M_contra]):
    """A status machine. `moves`: status -> move name -> the status it leads to.
    `actions`: move name -> what the change history says of it. `conflict` builds the
    error for a move refused, from the row as it stands."""

    moves: Mapping[str, Mapping[str, str]]
    actions: Mapping[str, ChangeAction]
    conflict: Callable[[M_contra], TransitionConflict] = _conflict
    field: str = "status"

    def __post_init__(self) -> None:
        named = {move for targets in self.moves.values() for move in targets}
        if named != set(self.actions):
            raise ValueError(f"moves and their actions differ: {sorted(named ^ set(self.actions))}")

    def allowed(self, status: str) -> frozenset[str]:
        """The moves allowed from `status`."""
        return frozenset(self.moves.get(status, {}))

    def target(self, status: str, move: str) -> str | None:
        """Where `move` leads from `status`; None when it is not allowed from there."""
        return self.moves.get(status, {}).get(move)

    def targets(self, status: str) -> frozenset[str]:
        """The statuses reachable from `status` in one move."""
        return frozenset(self.moves.get(status, {}).values())


@dataclass(frozen=True)
class Recorded:
    """Whose change history a move goes in (a stage's moves go in its case's), and the
    field names the record lists."""

    kind: ObjectKind
    object_id: UUID
    fields: Iterable[str]


def _touched(model: type[models.Model]) -> dict[str, Any]:
    """What save() would set of its own: a conditional UPDATE bypasses save()."""
    now = timezone.now()
    return {
        field.name: now
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False)
    }


@transaction.atomic
def transition_apply(
    *,
    transitions: Transitions[M],
    obj: M,
    move: str,
    user: User | None,
    agency: Agency | None,
    recorded: Recorded | None,
    changes: Mapping[str, Any] | None = None,
    may: Callable[[M], bool] | None = None,
    event: Callable[[M, str], object] | None = None,
) -> M:
    """Make `move` on `obj` if the locked row's status allows it now and `may(locked)`
    holds; set `changes` with the status. `event(locked, to)` writes the object's own
    event line. Returns `obj` with the changed fields read again."""
    model = type(obj)
    rows = model._default_manager
    # "of self": the row alone, even where a caller's default query joins nullable rows.
    current = rows.select_for_update(of=("self",)).get(pk=obj.pk)
    status = getattr(current, transitions.field)
    to = transitions.target(status, move)
    if to is None or (may is not None and not may(current)):
        raise transitions.conflict(current)
    changes = dict(changes or {})
    touched = _touched(model)
    won = rows.filter(pk=current.pk, **{transitions.field: status}).update(
        **{transitions.field: to}, **touched, **changes
    )
    if not won:
        raise transitions.conflict(rows.get(pk=current.pk))
    if event is not None:
        event(current, to)
    if recorded is not None:
        change_record(
            kind=recorded.kind,
            object_id=recorded.object_id,
            user=user,
            agency=agency,
            action=transitions.actions[move],
            fields=recorded.fields,
        )
    obj.refresh_from_db(fields=[transitions.field, *touched, *changes])
    return obj


def transition_try(*, transitions: Transitions[M], obj: M, move: str) -> bool:
    """Make `move` if the table allows it from the status `obj` was read in and the row
    still stands there; a racing move that got there first wins, and this one then changes
    nothing. No lock, no event and no record: the caller writes its own."""
    status = getattr(obj, transitions.field)
    to = transitions.target(status, move)
    if to is None:
        return False
    won = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, **{transitions.field: status})
        .update(**{transitions.field: to}, **_touched(type(obj)))
    )
    if won:
        setattr(obj, transitions.field, to)
    return bool(won)

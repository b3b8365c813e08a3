"""The hash chain over the use and disclosure logs: how a row and a seal are hashed, and
how a chain is checked (docs/adr/0019-logs-the-application-cannot-rewrite.md).

A chain is one log of one agency (the discloser, for the disclosure log). Its seals
cover consecutive windows [start, end), each within one Helsinki day; a seal's digest is
an HMAC, keyed from BLIND_INDEX_KEY (which the database never sees), of the previous
seal's digest, the window and every row's SHA-256 in id order. Whoever changes a sealed
row, removes one or slips one in, even a database superuser, cannot make the seal match
again without the key.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from dpo.models import LogKind, LogSeal
from referrals.models import DisclosureLogEntry, UseLogEntry

GENESIS = "0" * 64
# Rows are sealed once they are this old, so that a transaction that stamped a row just
# before a sealing run and committed just after it is not taken for a row slipped in.
SEAL_DELAY = timedelta(minutes=5)
# How many seals' rows a check reads with one query.
CHECK_BATCH = 200


@dataclass(frozen=True)
class LogSpec:
    kind: str
    model: type[models.Model]
    agency_field: str  # the agency whose chain a row belongs to
    fields: tuple[str, ...]  # hashed, in this order


SPECS = {
    LogKind.USE: LogSpec(
        kind=LogKind.USE,
        model=UseLogEntry,
        agency_field="agency_id",
        fields=(
            "id",
            "at",
            "user_id",
            "username",
            "agency_id",
            "client_id",
            "categories",
            "purpose",
            "path",
        ),
    ),
    LogKind.DISCLOSURE: LogSpec(
        kind=LogKind.DISCLOSURE,
        model=DisclosureLogEntry,
        agency_field="discloser_agency_id",
        fields=(
            "id",
            "at",
            "client_id",
            "categories",
            "discloser_agency_id",
            "discloser_user_id",
            "recipient_agency_id",
            "basis_id",
            "consent_id",
            "referral_id",
            "purpose",
        ),
    ),
}


def _key() -> bytes:
    return hmac.new(
        settings.BLIND_INDEX_KEY.encode(), b"polku log seal v1", hashlib.sha256
    ).digest()


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, str) and value[:1] in "[{":
        # A JSON column read back as text (a raw cursor): hash the value, not its spelling.
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def row_hash(values: Sequence[Any]) -> bytes:
    """SHA-256 of one row's hashed fields, as canonical JSON."""
    text = json.dumps(
        [_canonical(value) for value in values],
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).digest()


@dataclass(frozen=True)
class Window:
    log: str
    agency_id: int
    day: date
    start: datetime
    end: datetime
    previous: str


def seal_digest(window: Window, rows: Iterable[tuple[int, bytes]]) -> str:
    mac = hmac.new(_key(), digestmod=hashlib.sha256)
    mac.update(
        "|".join(
            (
                window.log,
                str(window.agency_id),
                window.day.isoformat(),
                window.start.astimezone(UTC).isoformat(),
                window.end.astimezone(UTC).isoformat(),
                window.previous,
            )
        ).encode()
    )
    for row_id, digest in rows:
        mac.update(row_id.to_bytes(8, "big") + digest)
    return mac.hexdigest()


def manifest(rows: Iterable[tuple[int, bytes]]) -> bytes:
    return b"".join(row_id.to_bytes(8, "big") + digest[:8] for row_id, digest in rows)


def _manifest_entries(data: bytes) -> list[tuple[int, bytes]]:
    return [
        (int.from_bytes(data[i : i + 8], "big"), data[i + 8 : i + 16])
        for i in range(0, len(data), 16)
    ]


def hashed_rows(spec: LogSpec, rows: Iterable[Sequence[Any]]) -> list[tuple[int, bytes]]:
    """(id, SHA-256) of each row, in id order."""
    return sorted((int(values[0]), row_hash(values)) for values in rows)


def helsinki_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


# Checking ----------------------------------------------------------------------------


class Problem(models.TextChoices):
    ROW = "row", "row"  # a sealed row changed, went or was slipped in
    LINK = "link", "link"  # a seal went or was changed: the chain does not join
    START = "start", "start"  # the chain's first seals went before their time
    UNSEALED = "unsealed", "unsealed"  # a row older than the chain's start, never sealed


@dataclass
class ChainState:
    log: str
    agency_id: int
    seals: int = 0
    rows: int = 0
    chain_from: date | None = None
    sealed_until: datetime | None = None
    head: str = ""
    problem: str = ""
    problem_day: date | None = None
    problem_row: int | None = None
    unsealed: int = 0  # newer than the last seal: not sealed yet
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problem


def _first_difference(
    sealed: list[tuple[int, bytes]], current: list[tuple[int, bytes]]
) -> int | None:
    for (sealed_id, sealed_hash), (row_id, digest) in zip(sealed, current, strict=False):
        if sealed_id != row_id:
            return min(sealed_id, row_id)
        if sealed_hash != digest[:8]:
            return row_id
    if len(sealed) > len(current):
        return sealed[len(current)][0]
    if len(current) > len(sealed):
        return current[len(sealed)][0]
    return None


def _rows_between(
    spec: LogSpec, agency_id: int, start: datetime, end: datetime
) -> Iterator[tuple[Any, ...]]:
    return iter(
        spec.model._default_manager.filter(
            **{spec.agency_field: agency_id, "at__gte": start, "at__lt": end}
        )
        .order_by("at", "id")
        .values_list(*spec.fields)
    )


def expiry_cutoff_day(today: date) -> date:
    """The first day whose log rows and seals retention keeps."""
    year = today.year - settings.POLKU_LOG_RETENTION_YEARS
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


def chain_check(*, log: str, agency_id: int, today: date | None = None) -> ChainState:
    """Recompute every seal of one chain against the rows as they are now; stop at the
    first problem, naming its day and, where it is a row, the first row that differs."""
    spec = SPECS[LogKind(log)]
    state = ChainState(log=log, agency_id=agency_id)
    today = today or timezone.localdate()
    seals = LogSeal.objects.filter(log=log, agency_id=agency_id).order_by("start")
    previous: LogSeal | None = None
    batch: list[LogSeal] = []

    def check(batch: list[LogSeal]) -> bool:
        nonlocal previous
        rows = list(_rows_between(spec, agency_id, batch[0].start, batch[-1].end))
        index = 0
        for seal in batch:
            if previous is None:
                state.chain_from = seal.day
                if seal.previous != GENESIS and (
                    seal.previous_day is None or seal.previous_day >= expiry_cutoff_day(today)
                ):
                    state.problem, state.problem_day = Problem.START, seal.day
                    return False
            elif seal.previous != previous.digest or seal.start != previous.end:
                state.problem, state.problem_day = Problem.LINK, seal.day
                return False
            mine = []
            while index < len(rows) and rows[index][1] < seal.end:
                mine.append(rows[index])
                index += 1
            current = hashed_rows(spec, mine)
            window = Window(
                log=log,
                agency_id=agency_id,
                day=seal.day,
                start=seal.start,
                end=seal.end,
                previous=seal.previous,
            )
            if not hmac.compare_digest(seal_digest(window, current), seal.digest):
                state.problem, state.problem_day = Problem.ROW, seal.day
                state.problem_row = _first_difference(
                    _manifest_entries(bytes(seal.manifest)), current
                )
                return False
            state.seals += 1
            state.rows += len(current)
            previous = seal
        return True

    for seal in seals.iterator(chunk_size=CHECK_BATCH):
        batch.append(seal)
        if len(batch) == CHECK_BATCH:
            if not check(batch):
                break
            batch = []
    else:
        if batch:
            check(batch)
    manager = spec.model._default_manager.filter(**{spec.agency_field: agency_id})
    first = LogSeal.objects.filter(log=log, agency_id=agency_id).order_by("start").first()
    last = LogSeal.objects.filter(log=log, agency_id=agency_id).order_by("-end").first()
    if last is not None:
        state.sealed_until, state.head = last.end, last.digest
        state.unsealed = manager.filter(at__gte=last.end).count()
    else:
        state.unsealed = manager.count()
    if not state.problem and first is not None:
        older = manager.filter(at__lt=first.start).order_by("id").values_list("id", flat=True)
        row = older.first()
        if row is not None:
            state.problem, state.problem_day, state.problem_row = (
                Problem.UNSEALED,
                first.day,
                row,
            )
    return state


def chains(log: str | None = None, agency_id: int | None = None) -> list[tuple[str, int]]:
    """Every (log, agency) that has rows or seals."""
    found: set[tuple[str, int]] = set()
    for kind, spec in SPECS.items():
        if log is not None and kind != log:
            continue
        agencies = spec.model._default_manager.order_by().values_list(spec.agency_field, flat=True)
        sealed = LogSeal.objects.filter(log=kind).order_by().values_list("agency_id", flat=True)
        if agency_id is not None:
            agencies = agencies.filter(**{spec.agency_field: agency_id})
            sealed = sealed.filter(agency_id=agency_id)
        found |= {(str(kind), a) for a in agencies.distinct()}
        found |= {(str(kind), a) for a in sealed.distinct()}
    return sorted(found)

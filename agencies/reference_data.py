"""Load Statistics Finland's municipality key (one CSV a year) into the reference tables.

The loader is idempotent: it creates what is new, updates names and routes that
changed, and marks municipalities and areas missing from the file as no longer in
use (they stay, because clients and agencies refer to them).
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from agencies.models import (
    EmploymentArea,
    KelaServiceArea,
    LanguageStatus,
    Municipality,
    ReferenceArea,
    Region,
    WellbeingArea,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

LANGUAGE_STATUS_BY_CODE = {
    "0": LanguageStatus.FINNISH,
    "1": LanguageStatus.BILINGUAL_FINNISH_MAJORITY,
    "2": LanguageStatus.SWEDISH,
    "3": LanguageStatus.BILINGUAL_SWEDISH_MAJORITY,
}

# Each area model: its CSV column prefix and the municipality's foreign key to it.
AREA_COLUMNS: dict[type[ReferenceArea], tuple[str, str]] = {
    Region: ("maakunta", "region"),
    WellbeingArea: ("hyvinvointialue", "wellbeing_area"),
    EmploymentArea: ("tyollisyysalue", "employment_area"),
    KelaServiceArea: ("kela_palvelualue", "kela_service_area"),
}
NAME_FIELDS = ("name_fi", "name_sv", "name_en")


class ReferenceDataError(ValueError):
    pass


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


@dataclass
class LoadResult:
    counts: dict[type[models.Model], LoadCounts] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(
            f"{model._meta.verbose_name_plural}: {c.created} new, {c.updated} updated, "
            f"{c.unchanged} unchanged, {c.deactivated} out of use"
            for model, c in self.counts.items()
        )


def default_reference_file() -> Path:
    files = sorted(DATA_DIR.glob("municipalities-*.csv"))
    if not files:
        raise ReferenceDataError(_("No municipality file found in %(dir)s.") % {"dir": DATA_DIR})
    return files[-1]


def required_columns() -> list[str]:
    columns = ["kunta", "kielisuhde_code"]
    columns += [f"municipality_{name}" for name in NAME_FIELDS]
    for prefix, _field in AREA_COLUMNS.values():
        columns += [f"{prefix}_code"] + [f"{prefix}_{name}" for name in NAME_FIELDS]
    return columns


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required_columns() if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(
                _("%(file)s lacks the columns: %(columns)s")
                % {"file": path.name, "columns": ", ".join(missing)}
            )
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        empty = [c for c in required_columns() if not (row.get(c) or "").strip()]
        if empty:
            raise ReferenceDataError(
                _("%(file)s line %(line)d: empty %(columns)s")
                % {"file": path.name, "line": line, "columns": ", ".join(empty)}
            )
        if row["kielisuhde_code"] not in LANGUAGE_STATUS_BY_CODE:
            raise ReferenceDataError(
                _("%(file)s line %(line)d: unknown language status code %(code)s")
                % {"file": path.name, "line": line, "code": row["kielisuhde_code"]}
            )
    return rows


Row = TypeVar("Row", ReferenceArea, Municipality)


def _sync(
    model: type[Row], wanted: dict[str, dict[str, object]], counts: LoadCounts
) -> dict[str, Row]:
    """Make the table match `wanted` (code -> field values); return code -> row."""
    existing = {obj.code: obj for obj in model._default_manager.all()}
    to_create: list[Row] = []
    to_update: list[Row] = []
    fields = sorted({f for values in wanted.values() for f in values} | {"is_active"})
    for code, values in wanted.items():
        values = {**values, "is_active": True}
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            to_update.append(obj)
        else:
            counts.unchanged += 1
    gone = [obj for code, obj in existing.items() if code not in wanted and obj.is_active]
    for obj in gone:
        obj.is_active = False
    model._default_manager.bulk_create(to_create)
    model._default_manager.bulk_update(to_update + gone, fields)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.deactivated += len(gone)
    return {obj.code: obj for obj in model._default_manager.all()}


def _names(row: dict[str, str], prefix: str) -> dict[str, object]:
    return {name: row[f"{prefix}_{name}"].strip() for name in NAME_FIELDS}


@transaction.atomic
def reference_data_load(*, path: Path | None = None) -> LoadResult:
    path = path or default_reference_file()
    rows = read_rows(path)
    result = LoadResult()

    areas: dict[type[ReferenceArea], dict[str, ReferenceArea]] = {}
    for model, (prefix, _field) in AREA_COLUMNS.items():
        wanted = {row[f"{prefix}_code"].strip(): _names(row, prefix) for row in rows}
        counts = result.counts.setdefault(model, LoadCounts())
        areas[model] = _sync(model, wanted, counts)

    municipalities: dict[str, dict[str, object]] = {}
    for row in rows:
        code = row["kunta"].strip().zfill(3)
        municipalities[code] = {
            **_names(row, "municipality"),
            "language_status": LANGUAGE_STATUS_BY_CODE[row["kielisuhde_code"]],
            **{
                f"{fk}_id": areas[model][row[f"{prefix}_code"].strip()].pk
                for model, (prefix, fk) in AREA_COLUMNS.items()
            },
        }
    counts = result.counts.setdefault(Municipality, LoadCounts())
    _sync(Municipality, municipalities, counts)
    return result

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from agencies.models import (
    EmploymentArea,
    KelaServiceArea,
    LanguageStatus,
    Municipality,
    Region,
    WellbeingArea,
)
from agencies.reference_data import (
    ReferenceDataError,
    default_reference_file,
    reference_data_load,
)
from agencies.selectors import municipality_route

pytestmark = pytest.mark.django_db


def test_all_finnish_municipalities_and_areas_are_loaded(personas):
    assert Municipality.objects.count() == 308
    assert EmploymentArea.objects.exclude(code="46").count() == 45
    assert EmploymentArea.objects.get(code="46").name_sv == "Åland"
    assert WellbeingArea.objects.count() == 23
    assert KelaServiceArea.objects.count() == 5
    assert Region.objects.count() == 19


def test_oulu_routes_to_oulun_seutu_and_north_ostrobothnia(oulu):
    route = municipality_route(municipality=oulu)
    assert route.employment_area.name_fi == "Oulun seutu"
    assert route.wellbeing_area.name_fi == "Pohjois-Pohjanmaan hyvinvointialue"
    assert route.kela_service_area.name_fi == "Pohjoisen asiakaspalveluyksikön palvelualue"


def test_bilingual_municipality_shows_its_swedish_name_in_swedish(personas):
    helsinki = Municipality.objects.get(code="091")
    assert helsinki.is_bilingual
    assert helsinki.language_status == LanguageStatus.BILINGUAL_FINNISH_MAJORITY
    with translation.override("sv"):
        assert helsinki.name == "Helsingfors"
        assert str(helsinki.wellbeing_area) == "Helsingfors stad"
    with translation.override("fi"):
        assert helsinki.name == "Helsinki"
    with translation.override("en"):
        assert helsinki.wellbeing_area.name == "City of Helsinki"


def test_loading_twice_changes_nothing(personas):
    before = dict(Municipality.objects.values_list("code", "pk"))
    result = reference_data_load()
    counts = result.counts.values()
    assert sum(c.created + c.updated + c.deactivated for c in counts) == 0
    assert sum(c.unchanged for c in counts) == 308 + 46 + 23 + 5 + 19
    assert dict(Municipality.objects.values_list("code", "pk")) == before


def _next_year_file(tmp_path: Path) -> Path:
    """Next year's key: Oulu renamed, Hailuoto moved to Raahe's area, Lumijoki gone, one new."""
    with default_reference_file().open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = list(reader)
    raahe = next(r for r in rows if r["municipality_name_fi"] == "Raahe")
    out = []
    for row in rows:
        if row["municipality_name_fi"] == "Lumijoki":
            continue
        if row["municipality_name_fi"] == "Oulu":
            row = {**row, "municipality_name_en": "Oulu City"}
        if row["municipality_name_fi"] == "Hailuoto":
            row = {
                **row,
                **{k: v for k, v in raahe.items() if k.startswith("tyollisyysalue_")},
            }
        out.append(row)
    out.append(
        {
            **raahe,
            "kunta": "999",
            "municipality_name_fi": "Uusikunta",
            "municipality_name_sv": "Nykommun",
            "municipality_name_en": "Newtown",
        }
    )
    path = tmp_path / "municipalities-2027.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(out)
    return path


def test_next_years_file_updates_changed_rows(personas, tmp_path):
    oulu_pk = Municipality.objects.get(code="564").pk
    result = reference_data_load(path=_next_year_file(tmp_path))
    counts = result.counts[Municipality]
    assert (counts.created, counts.updated, counts.deactivated) == (1, 2, 1)
    oulu = Municipality.objects.get(code="564")
    assert (oulu.pk, oulu.name_en) == (oulu_pk, "Oulu City")
    hailuoto = Municipality.objects.get(name_fi="Hailuoto")
    raahe = Municipality.objects.get(name_fi="Raahe")
    assert municipality_route(municipality=hailuoto).employment_area == raahe.employment_area
    assert Municipality.objects.get(name_fi="Lumijoki").is_active is False
    assert Municipality.objects.get(code="999").name_sv == "Nykommun"
    # Loading this year's file again restores the old state, and Lumijoki comes back in use.
    reference_data_load()
    assert Municipality.objects.get(name_fi="Lumijoki").is_active is True
    assert Municipality.objects.get(code="999").is_active is False


def test_a_file_without_the_needed_columns_is_refused_whole(personas, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("kunta,municipality_name_fi\n564,Oulu\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="tyollisyysalue_code"):
        reference_data_load(path=broken)
    assert Municipality.objects.get(code="564").name_fi == "Oulu"


def test_an_empty_value_names_its_line(personas, tmp_path):
    path = _next_year_file(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[1], "", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="rivi 4"):
        reference_data_load(path=path)
    assert not Municipality.objects.filter(code="999").exists()


def test_command_reports_and_refuses_missing_file(personas, tmp_path, capsys):
    call_command("load_reference_data")
    assert "308 unchanged" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_reference_data", str(tmp_path / "missing.csv"))

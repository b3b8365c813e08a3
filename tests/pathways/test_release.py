import datetime
import uuid

import pytest
from django.urls import reverse

from core.dates import today
from pathways.cases.selectors import case_stage_windows
from pathways.models import Case, PathwayTemplate
from referrals.clients.identity import decrypt, hetu_make
from referrals.models import Client, Release

from ..errors import codes
from ..factories import agency, demo_people, mikko_case, salo_case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, Mikko and Laura Salo."""
    module_world(demo_people)
    module_world(mikko_case)
    module_world(salo_case)


def form(**changes):
    return {
        "hetu": hetu_make(datetime.date(1975, 4, 4), 345),
        "birth_date": "",
        "first_name": "Matti",
        "last_name": "Meikäläinen",
        "home_municipality": agency("tym-oulu")
        .employment_area.municipalities.get(name_fi="Oulu")
        .pk,
        "mother_tongue": "fi",
        "service_language": "fi",
        "phone": "",
        "email": "",
        "address": "",
        "rise_unit": agency("rise-prison").pk,
        "expected_date": (today() + datetime.timedelta(days=80)).isoformat(),
        "release_type": "conditional",
        "municipality_after": "",
        "submission_key": str(uuid.uuid4()),
        **changes,
    }


def test_rise_logs_a_release_and_the_adult_path_starts(login):
    response = login("rise.oulu").post(reverse("release-new"), form())
    case = Case.objects.get(client__last_name="Meikäläinen")
    assert response["Location"] == reverse("case-detail", args=[case.public_id])
    assert case.template.code == PathwayTemplate.ADULT_RELEASE
    assert case.release.municipality_after.name_fi == "Oulu"
    assert case.started_by == agency("rise-prison")
    page = login("rise.oulu").get(response["Location"])
    assert page.context["days_left"] == 80
    windows = page.context["windows"]
    assert len(windows) == 9
    release = next(w for w in windows if w.stage.is_anchor)
    assert release.opens == today() + datetime.timedelta(days=80)
    assert "80 päivää jäljellä." in page.content.decode()


def test_a_client_under_30_gets_the_youth_variant(login):
    born = today() - datetime.timedelta(days=365 * 25)
    login("rise.oulu").post(reverse("release-new"), form(hetu=hetu_make(born, 456)))
    case = Case.objects.get(client__last_name="Meikäläinen")
    assert case.template.code == PathwayTemplate.YOUTH_RELEASE
    names = [stage.name_fi for stage in case.template.stages.all()]
    assert "Yhteydenotto nuorten ohjauspalveluun" in names


def test_an_existing_client_is_found_by_identity_code(login):
    existing = mikko_case().client
    code = decrypt(existing.hetu_encrypted)
    response = login("rise.oulu").post(
        reverse("release-new"), form(hetu=code, first_name="", last_name="", home_municipality="")
    )
    assert response.status_code == 302
    assert Client.objects.filter(last_name="Mäkinen").count() == 1
    assert existing.releases.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"hetu": "131052-308U"}, "hetu", "invalid_hetu"),
        (
            {"expected_date": (today() - datetime.timedelta(days=1)).isoformat()},
            "expected_date",
            "past",
        ),
        (
            {"expected_date": (today() + datetime.timedelta(days=3 * 366 + 1)).isoformat()},
            "expected_date",
            "too_far",
        ),
        ({"hetu": "", "birth_date": ""}, "birth_date", "required"),
        ({"last_name": ""}, "last_name", "required"),
    ],
)
def test_bad_input_is_an_error_on_its_field_and_nothing_is_saved(login, changes, field, code):
    clients, releases = Client.objects.count(), Release.objects.count()
    response = login("rise.oulu").post(reverse("release-new"), form(**changes))
    assert response.status_code == 200
    assert codes(response.context["form"].errors)[field] == [code]
    assert (Client.objects.count(), Release.objects.count()) == (clients, releases)


def test_a_client_of_another_agency_is_not_taken_over(login):
    # Laura Salo was recorded by Oulu prison; the community sanctions office cannot see her.
    salo = salo_case().client
    client = login("rise.oulu")
    client.post(reverse("acting-agency-set"), {"agency": agency("rise-office").public_id})
    response = client.post(reverse("release-new"), form(hetu=decrypt(salo.hetu_encrypted)))
    assert codes(response.context["form"].errors)["hetu"] == ["not_yours"]
    assert salo.releases.count() == 1


def test_the_same_form_twice_starts_one_case(login):
    data = form()
    rise = login("rise.oulu")
    first = rise.post(reverse("release-new"), data)
    second = rise.post(reverse("release-new"), data)
    assert first["Location"] == second["Location"]
    assert Case.objects.filter(client__last_name="Meikäläinen").count() == 1


@pytest.mark.parametrize("username", ["tym.oulu", "hva.pohjois", "tietosuoja", "admin"])
def test_only_rise_logs_releases(login, username):
    assert login(username).get(reverse("release-new")).status_code == 403
    assert login(username).post(reverse("release-new"), form()).status_code == 403


def test_stage_windows_follow_the_release_date(personas):
    case = Case.objects.filter(template__code=PathwayTemplate.ADULT_RELEASE).first()
    assert case is not None
    day = case.release.expected_date
    windows = case_stage_windows(case=case, today=day - datetime.timedelta(days=100))
    states = {w.stage.name_fi: w.state for w in windows}
    assert states["Vapautumisen valmistelu"] == "open"
    assert states["Työnhaun käynnistäminen"] == "upcoming"
    assert states["Työllistyminen"] == "upcoming"

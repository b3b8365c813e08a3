import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Agency

from ..conftest import DEMO_PASSWORD
from ..factories import agency, rise_contact, user

pytestmark = pytest.mark.django_db


def test_front_page_sends_anonymous_users_to_the_finnish_login(client):
    response = client.get("/", follow=True)
    content = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert '<html lang="fi">' in content
    assert "Kirjaudu sisään" in content


def test_the_browsers_language_does_not_override_finnish(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="fi">' in response.content.decode()


def test_persona_logs_in_and_sees_their_agency(client, db):
    rise_contact("tym-oulu", "tym.oulu")
    response = client.post(
        reverse("login"), {"username": "tym.oulu", "password": DEMO_PASSWORD}, follow=True
    )
    content = response.content.decode()
    assert response.context["user"].username == "tym.oulu"
    assert "Oulun seudun työllisyysalue" in content
    assert "Rise-yhdyshenkilö" in content


def test_wrong_password_is_refused_in_finnish(client, db):
    user("tym.oulu")
    response = client.post(reverse("login"), {"username": "tym.oulu", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "Anna oikea käyttäjätunnus ja salasana" in response.content.decode()


def test_logout_is_a_post(login):
    client = login("tym.oulu")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("language", "text"),
    [("sv", "Logga in"), ("en", "Log in"), ("fi", "Kirjaudu sisään")],
)
def test_language_switch(client, language, text):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("login")}, follow=True
    )
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert text in content


def test_unknown_language_falls_back_to_finnish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert '<html lang="fi">' in client.get(reverse("login")).content.decode()


def test_rise_contact_person_switches_between_their_agencies(login):
    client = login("rise.oulu")
    home = client.get("/")
    assert home.context["agency"].name_fi == "Oulun vankila"
    office = Agency.objects.get(name_fi="Pohjois-Suomen yhdyskuntaseuraamustoimisto")
    response = client.post(
        reverse("acting-agency-set"), {"agency": office.public_id, "next": reverse("directory")}
    )
    assert response["Location"] == reverse("directory")
    assert client.get("/").context["agency"] == office


def test_cannot_act_for_an_agency_one_does_not_belong_to(login):
    client = login("tym.tampere")
    oulu = agency("tym-oulu")
    response = client.post(
        reverse("acting-agency-set"),
        {"agency": oulu.public_id, "next": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == reverse("home")
    assert response.context["agency"].name_fi == "Tampereen seudun työllisyysalue"
    assert "Et ole tämän organisaation jäsen." in response.content.decode()


def test_password_rules():
    with pytest.raises(ValidationError):
        validate_password("short")
    with pytest.raises(ValidationError):
        validate_password("123456789012345")
    validate_password("kolme-pitkaa-sanaa-2026")

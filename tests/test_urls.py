import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from .urlwalk import PUBLIC, all_routes

ROUTES = all_routes()


def test_the_walk_finds_the_views():
    names = {route.name for route in ROUTES}
    assert {"home", "directory", "agency-detail", "login", "logout", "healthz"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=lambda r: r.name)
def test_every_private_page_sends_anonymous_users_to_login(client, route):
    for method in (client.get, client.post):
        response = method(route.path)
        assert response.status_code == 302, (route, method)
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.django_db
def test_admin_sends_anonymous_users_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.permissions
@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    [
        "rise.oulu",
        "tym.oulu",
        "tym.tampere",
        "koordinaattori.oulu",
        "hva.pohjois",
        "kela.pohjoinen",
        "priima.butti",
        "tietosuoja",
        "admin",
    ],
)
def test_every_persona_can_open_every_page_without_a_server_error(login, username):
    client = login(username)
    for route in ROUTES:
        response = client.get(route.path)
        # A made-up id is a 404, a POST-only view a 405, a role-bound page a 403.
        assert response.status_code in {200, 302, 403, 404, 405}, (username, route)
        if route.name in {"home", "directory", "healthz"}:
            assert response.status_code == 200, (username, route)

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

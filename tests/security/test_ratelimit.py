"""Rate limits on logging in and on name searches: over the limit, 429 and a page."""

import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ..conftest import DEMO_PASSWORD
from ..factories import user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    # A cache of this test's own: the suite's counters (and Redis's, in CI) stay out of it.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    settings.POLKU_RATE_LIMITS = {
        "login-ip": (3, 60),
        "login-username": (4, 60),
        "search": (2, 60),
    }


def post_login(username: str, address: str) -> int:
    user(username)
    client = Client(REMOTE_ADDR=address)
    return client.post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD}
    ).status_code


def test_logins_per_address(personas):
    with time_machine.travel(timezone.now().replace(second=1), tick=False) as clock:
        assert [post_login("tym.oulu", "192.0.2.1") for _ in range(3)] == [302] * 3
        client = Client(REMOTE_ADDR="192.0.2.1")
        response = client.post(reverse("login"), {"username": "rise.oulu", "password": "x"})
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert "security/rate_limited.html" in [t.name for t in response.templates]
        # Another address may still log in, and the next window opens again.
        assert post_login("tym.oulu", "192.0.2.2") == 302
        clock.shift(60)
        assert post_login("rise.oulu", "192.0.2.1") == 302


def test_logins_per_username(personas):
    addresses = (f"198.51.100.{n}" for n in range(1, 10))
    assert [post_login("tym.oulu", next(addresses)) for _ in range(4)] == [302] * 4
    assert post_login("tym.oulu", next(addresses)) == 429
    assert post_login("rise.oulu", next(addresses)) == 302


def test_getting_the_login_page_is_not_counted(personas):
    client = Client(REMOTE_ADDR="192.0.2.9")
    for _ in range(5):
        assert client.get(reverse("login")).status_code == 200


def test_directory_searches_per_user(login):
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        client = login("tym.oulu")
        directory = reverse("directory")
        # Paging through the plain list is no search.
        for _ in range(3):
            assert client.get(directory).status_code == 200
        assert client.get(directory, {"q": "Oulu"}).status_code == 200
        assert client.get(directory, {"kind": "employment_area"}).status_code == 200
        response = client.get(directory, {"q": "Oulu"}, headers={"HX-Request": "true"})
        assert response.status_code == 429
        # Per user: a colleague searches on.
        assert login("koordinaattori.oulu").get(directory, {"q": "Oulu"}).status_code == 200


def test_inbox_name_searches_per_user(login):
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        client = login("tym.oulu")
        inbox = reverse("inbox")
        assert client.get(inbox, {"status": "sent"}).status_code == 200
        assert client.get(inbox, {"q": "Mäk"}).status_code == 200
        assert client.get(inbox, {"q": "Mäki"}).status_code == 200
        assert client.get(inbox, {"q": "Mäkinen"}).status_code == 429
        assert client.get(inbox).status_code == 200

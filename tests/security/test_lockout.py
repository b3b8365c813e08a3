"""django-axes: five wrong passwords lock the username for 15 minutes, whoever tries."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from ..conftest import DEMO_PASSWORD
from ..factories import user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(username: str, password: str, address: str = "192.0.2.10") -> tuple[Client, int]:
    user(username)
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response.status_code


def test_five_failures_lock_the_username_until_the_cool_off_passes(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            assert attempt("tym.oulu", "wrong")[1] == 200  # the form's error
        client = Client(REMOTE_ADDR="192.0.2.10")
        client.cookies["polku_language"] = "en"
        with override("en"):
            fifth = client.post(LOGIN, {"username": "tym.oulu", "password": "wrong"})
        assert fifth.status_code == 429
        assert "security/lockout.html" in [t.name for t in fifth.templates]
        assert fifth.context["cooloff_minutes"] == 15
        assert "Try again in 15 minutes." in fifth.content.decode()
        # The right password from another address does not help ...
        assert attempt("tym.oulu", DEMO_PASSWORD, address="198.51.100.7")[1] == 429
        # ... nor does it lock anyone else.
        assert attempt("rise.oulu", DEMO_PASSWORD)[1] == 302
        clock.shift(datetime.timedelta(minutes=14))
        assert attempt("tym.oulu", DEMO_PASSWORD)[1] == 429
        clock.shift(datetime.timedelta(minutes=2))
        client, status = attempt("tym.oulu", DEMO_PASSWORD)
        assert status == 302
        assert client.get("/").status_code == 200


def test_tries_during_the_lockout_do_not_extend_it(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            attempt("tym.oulu", "wrong")
        for _ in range(10):
            clock.shift(datetime.timedelta(minutes=1))
            assert attempt("tym.oulu", "wrong")[1] == 429
        clock.shift(datetime.timedelta(minutes=6))
        assert attempt("tym.oulu", DEMO_PASSWORD)[1] == 302


def test_a_success_clears_the_failures(personas):
    for _ in range(4):
        attempt("tym.oulu", "wrong")
    assert attempt("tym.oulu", DEMO_PASSWORD)[1] == 302
    for _ in range(4):
        attempt("tym.oulu", "wrong")
    assert attempt("tym.oulu", DEMO_PASSWORD)[1] == 302


def test_the_login_page_and_force_login_still_work(login, personas):
    assert attempt("tym.oulu", DEMO_PASSWORD)[1] == 302
    assert login("tym.oulu").get(reverse("inbox")).status_code == 200

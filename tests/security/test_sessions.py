"""Sessions: 30 minutes idle, 12 hours at most, a list of one's sessions and ending them;
a password change ends the others."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from security.models import UserSession
from security.services import user_sessions_prune
from security.tasks import sessions_prune

from ..conftest import DEMO_PASSWORD
from ..factories import user

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
MINUTE = datetime.timedelta(minutes=1)


def browser(address: str = "192.0.2.55", agent: str = "Firefox/140.0") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def logged_in(username: str = "tym.oulu", **kwargs: str) -> Client:
    user(username)
    client = browser(**kwargs)
    response = client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_a_login_is_recorded_with_its_network_only(personas):
    client = logged_in(address="192.0.2.55")
    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user == personas["tym.oulu"]
    assert row.ip_network == "192.0.2.0/24"
    assert row.user_agent == "Firefox/140.0"
    assert row.created_at == row.last_seen_at
    six = logged_in(address="2001:db8:1234:5678::1")
    assert UserSession.objects.get(session_key=six.session.session_key).ip_network == (
        "2001:db8:1234::/48"
    )


def test_logging_out_drops_the_row(personas):
    client = logged_in()
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()


def test_idle_timeout(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = logged_in()
        clock.shift(29 * MINUTE)
        assert client.get("/").status_code == 200
        # Activity moves the limit on ...
        clock.shift(29 * MINUTE)
        assert client.get("/").status_code == 200
        # ... and 30 minutes without any ends the session.
        clock.shift(31 * MINUTE)
        response = client.get(reverse("directory"))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert client.get("/")["Location"].startswith(LOGIN)


def test_the_middleware_ends_an_idle_session_even_if_the_store_keeps_it(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = logged_in()
        key = client.session.session_key
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() + datetime.timedelta(days=1)
        )
        clock.shift(31 * MINUTE)
        response = client.get("/")
        assert response["Location"].startswith(LOGIN)
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()


def test_absolute_timeout(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = logged_in()
        for _ in range(28):  # busy all day, a request every 25 minutes
            clock.shift(25 * MINUTE)
            assert client.get("/").status_code == 200
        # 11 h 40 min after the login; 20 minutes later the 12 hours are full.
        clock.shift(21 * MINUTE)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_activity_is_written_at_most_once_a_minute(personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = logged_in()
        key = client.session.session_key
        row = UserSession.objects.get(session_key=key)
        clock.shift(30)
        with CaptureQueriesContext(connection) as quiet:
            assert client.get(reverse("directory")).status_code == 200
        assert not [q for q in quiet if q["sql"].startswith(("UPDATE", "INSERT"))]
        clock.shift(31)
        with CaptureQueriesContext(connection) as touched:
            assert client.get(reverse("directory")).status_code == 200
        writes = [q["sql"] for q in touched if q["sql"].startswith(("UPDATE", "INSERT"))]
        assert len(writes) == 2  # the row's last seen and the session's expiry
        row.refresh_from_db()
        assert row.last_seen_at == timezone.now()


def test_the_user_sees_their_sessions_and_ends_another(personas):
    phone = logged_in(agent="Phone browser")
    desk = logged_in(agent="Desk browser")
    logged_in("rise.oulu")
    page = desk.get(reverse("account-security"))
    sessions = list(page.context["sessions"])
    assert {s.user_agent for s in sessions} == {"Phone browser", "Desk browser"}
    assert page.context["current_key"] == desk.session.session_key
    html = page.content.decode()
    # Keys never reach the page; sessions are addressed by their public ids.
    assert str(phone.session.session_key) not in html
    assert str(desk.session.session_key) not in html

    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    response = desk.post(reverse("session-end", args=[phone_row.public_id]))
    assert response["Location"] == reverse("account-security")
    assert phone.get("/")["Location"].startswith(LOGIN)
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    assert desk.get("/").status_code == 200


def test_ending_ones_own_current_session_or_someone_elses(personas):
    desk = logged_in()
    other = logged_in("rise.oulu")
    own = UserSession.objects.get(session_key=desk.session.session_key)
    desk.post(reverse("session-end", args=[own.public_id]))
    assert desk.get("/").status_code == 200
    theirs = UserSession.objects.get(session_key=other.session.session_key)
    assert desk.post(reverse("session-end", args=[theirs.public_id])).status_code == 404
    assert desk.get(reverse("session-end", args=[theirs.public_id])).status_code == 405
    assert other.get("/").status_code == 200


def test_a_password_change_ends_the_other_sessions(personas):
    phone = logged_in()
    desk = logged_in()
    new_password = "uusi-salasana-2026-kesä"
    response = desk.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert desk.get("/").status_code == 200
    assert phone.get("/")["Location"].startswith(LOGIN)
    rows = UserSession.objects.filter(user=personas["tym.oulu"])
    assert list(rows.values_list("session_key", flat=True)) == [desk.session.session_key]


def test_a_wrong_old_password_ends_nothing(personas):
    phone = logged_in()
    desk = logged_in()
    response = desk.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 200
    assert phone.get("/").status_code == 200


def test_prune_drops_ended_sessions(personas):
    alive = logged_in()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        fresh = logged_in("rise.oulu")
        assert user_sessions_prune() == 1
        assert list(UserSession.objects.values_list("session_key", flat=True)) == [
            fresh.session.session_key
        ]
    assert not UserSession.objects.filter(session_key=alive.session.session_key).exists()


def test_the_prune_runs_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sessions-prune"]
    assert entry["task"] == sessions_prune.name == "security.sessions_prune"
    assert entry["schedule"] == 3600

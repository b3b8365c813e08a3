"""The personal .ics feed: the token is shown once and stored hashed, revoking and replacing
it, what the feed carries (the user's own events, no client data) and what it costs."""

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar.feed import feed_create, feed_revoke
from meetings.gatherings.services import gathering_cancel, registration_create
from meetings.models import CalendarFeed

from ..factories import agency, demo_people, mikko_planned, user
from .calendar_helpers import gathering_make, meeting_make

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


FEED_URL = re.compile(r">(http://testserver/calendar/feed/([A-Za-z0-9_-]+)\.ics)</textarea>")


def read(token: str):
    return Client().get(reverse("calendar-feed-ics", args=[token]))


def events_of(response) -> dict[str, Any]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_address_is_shown_once_and_only_its_hash_is_stored(login):
    client = login("tym.oulu")
    created = client.post(reverse("calendar-feed-create"))
    assert created.status_code == 302
    assert created["Location"] == reverse("calendar-feed")
    response = client.get(reverse("calendar-feed"))
    assert "no-store" in response["Cache-Control"]
    url, token = FEED_URL.search(response.content.decode()).groups()
    assert len(token) == 43  # secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.get(user=user("tym.oulu"))
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    # The page shows the feed but never the address again.
    again = client.get(reverse("calendar-feed"))
    assert again.context["feed"] == feed
    assert token not in again.content.decode()
    assert client.get(url).status_code == 200


def test_a_stale_address_cookie_shows_nothing(login):
    client = login("tym.oulu")
    client.post(reverse("calendar-feed-create"))
    cookie = client.cookies["polku_new_feed"].value
    client.post(reverse("calendar-feed-revoke"))
    client.cookies["polku_new_feed"] = cookie
    response = client.get(reverse("calendar-feed"))
    assert response.context["feed_url"] is None
    assert response.context["feed"] is None


def test_replacing_stops_the_old_address_and_revoking_stops_the_feed(login):
    owner = user("tym.oulu")
    _feed, old = feed_create(user=owner)
    new_feed, new = feed_create(user=owner)
    assert read(old).status_code == 404
    assert read(new).status_code == 200
    assert CalendarFeed.objects.filter(user=owner, revoked_at__isnull=True).get() == new_feed
    response = login("tym.oulu").post(reverse("calendar-feed-revoke"))
    assert response.status_code == 302
    assert read(new).status_code == 404
    assert feed_revoke(user=owner) is False


@pytest.mark.parametrize(
    "token", ["", "x", "A" * 43, "a-b_c" * 9, "ä" * 43], ids=["empty", "short", "a", "b", "c"]
)
def test_unknown_tokens_are_404(personas, token):
    if not token:
        assert Client().get("/calendar/feed/.ics").status_code == 404
    else:
        assert Client().get(f"/calendar/feed/{token}.ics").status_code == 404


def test_an_inactive_users_feed_is_404():
    owner = user("tym.oulu")
    _feed, token = feed_create(user=owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert read(token).status_code == 404


def test_the_feed_has_the_users_meetings_and_gatherings_and_nobody_elses():
    # Whole minutes: iCalendar times have no fractions of a second.
    now = timezone.now().replace(second=0, microsecond=0)
    invited = meeting_make(starts_at=now + timedelta(days=3), agencies=("tym-oulu",), title="Oma")
    recent = meeting_make(starts_at=now - timedelta(days=20), agencies=("tym-oulu",))
    too_old = meeting_make(starts_at=now - timedelta(days=40), agencies=("tym-oulu",))
    cancelled = meeting_make(
        starts_at=now + timedelta(days=5), agencies=("tym-oulu",), status="cancelled"
    )
    hanna_only = meeting_make(
        starts_at=now + timedelta(days=3), people=(("hva-pohjois", "hva.pohjois"),)
    )
    tampere = meeting_make(
        starts_at=now + timedelta(days=3), organiser="tym.tampere", organiser_agency="tym-tampere"
    )
    registered = gathering_make(title="Verkosto")
    registration_create(gathering=registered, user=user("tym.oulu"), agency=agency("tym-oulu"))
    called_off = gathering_make(title="Peruttu")
    registration_create(gathering=called_off, user=user("tym.oulu"), agency=agency("tym-oulu"))
    gathering_cancel(
        gathering=called_off, user=user("koordinaattori.oulu"), agency=agency("tym-oulu")
    )
    not_registered = gathering_make(title="Ei ilmoittautunut")

    _feed, token = feed_create(user=user("tym.oulu"))
    response = read(token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    events = events_of(response)
    assert set(events) == {
        invited.uid,
        recent.uid,
        cancelled.uid,
        registered.uid,
        called_off.uid,
    }
    for absent in (too_old, hanna_only, tampere, not_registered):
        assert absent.uid not in events
    assert str(events[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert str(events[called_off.uid]["STATUS"]) == "CANCELLED"
    assert int(str(events[called_off.uid]["SEQUENCE"])) == 1
    assert str(events[invited.uid]["STATUS"]) == "CONFIRMED"
    assert int(str(events[invited.uid]["SEQUENCE"])) == 0
    start = events[invited.uid]["DTSTART"]
    assert start.params["TZID"] == "Europe/Helsinki"
    assert start.dt == invited.starts_at
    assert events[invited.uid]["DTEND"].dt == invited.starts_at + timedelta(minutes=60)
    assert str(events[registered.uid]["SUMMARY"]) == "Verkosto"
    assert str(events[invited.uid]["URL"]).endswith(
        reverse("meeting-detail", args=[invited.public_id])
    )


def test_the_feed_carries_no_client_data():
    meeting = meeting_make(starts_at=timezone.now() + timedelta(days=2), agencies=("tym-oulu",))
    client = meeting.case.client
    _feed, token = feed_create(user=user("tym.oulu"))
    text = read(token).content.decode()
    unfolded = text.replace("\r\n ", "")
    for value in (client.first_name, client.last_name, str(client.public_id), client.phone):
        assert value not in unfolded
    assert str(meeting.case.public_id) not in unfolded
    assert meeting.uid in unfolded


def test_a_read_is_one_lookup_and_one_events_query_and_notes_its_use_hourly(
    django_assert_num_queries,
):
    for days in (1, 2, 3):
        meeting_make(starts_at=timezone.now() + timedelta(days=days), agencies=("tym-oulu",))
    gathering = gathering_make()
    registration_create(gathering=gathering, user=user("tym.oulu"), agency=agency("tym-oulu"))
    feed, token = feed_create(user=user("tym.oulu"))
    start = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(start, tick=False):
        # The first read also notes the use.
        with django_assert_num_queries(3):
            assert len(events_of(read(token))) == 4
        feed.refresh_from_db()
        assert feed.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        with django_assert_num_queries(2):
            read(token)
        feed.refresh_from_db()
        assert feed.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        read(token)
        feed.refresh_from_db()
        assert feed.last_used_at == start + timedelta(minutes=61)


def test_the_feed_page_offers_to_create_replace_and_revoke(login):
    client = login("hva.pohjois")
    page = client.get(reverse("calendar-feed"))
    assert page.status_code == 200
    assert page.context["feed"] is None
    client.post(reverse("calendar-feed-create"))
    assert client.get(reverse("calendar-feed")).context["feed"] is not None

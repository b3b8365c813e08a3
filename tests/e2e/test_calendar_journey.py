"""My meetings in the browser: tym.oulu's calendar in week, month and list views, the
region's gatherings, registering for the demo gathering and making a feed address; and a
network meeting for Mikko Mäkinen in both invited agencies' calendars (issue 5)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.demo import seed_demo_gatherings
from meetings.models import CalendarFeed, Registration
from meetings.services import InviteeSpec, meeting_schedule

from ..conftest import DEMO_PASSWORD
from ..factories import agency, user


def log_in_english(page: Page, base: str, username: str) -> None:
    # The new strings are English until the lead compiles the translations.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def no_mail(monkeypatch):
    """The live server's transactions commit, so the scheduling service's on-commit hooks
    run: keep its invitation and e-mail tasks off the broker a dev worker may read."""
    from meetings import tasks as meeting_tasks
    from notifications import tasks as notification_tasks

    for module in (meeting_tasks, notification_tasks):
        for name in dir(module):
            task = getattr(module, name)
            if hasattr(task, "delay"):
                monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)


def test_calendar_gatherings_registration_and_feed(
    open_page, live_server, mikko, assert_accessible, no_mail
):
    base = live_server.url
    gathering = seed_demo_gatherings()
    assert gathering is not None
    gathering_day = timezone.localtime(gathering.starts_at).date()
    starts = (timezone.localtime() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    meeting = meeting_schedule(
        case=mikko,
        organiser=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        title="Verkostopalaveri ennen vapautumista",
        starts_at=starts,
        duration_minutes=90,
        place="Oulun vankila",
        video_url="",
        agenda="",
        invitees=[
            InviteeSpec(agency=agency("tym-oulu")),
            InviteeSpec(agency=agency("hva-pohjois")),
        ],
    )

    # 1. tym.oulu opens My meetings: this week, the month and the list.
    page = open_page()
    log_in_english(page, base, "tym.oulu")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="My meetings"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My meetings")
    expect(page.get_by_role("link", name="Week", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Month", exact=True).click()
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.locator('[aria-current="date"]')).to_contain_text("Today")
    assert_accessible(page)
    page.get_by_role("link", name="Next month").click()
    expect(page.get_by_role("table")).to_be_visible()
    page.get_by_role("link", name="List", exact=True).click()
    expect(page.get_by_role("link", name=meeting.title)).to_be_visible()
    assert_accessible(page)

    # The meeting is in the week of its day too, and links to its page.
    page.goto(f"{base}{reverse('calendar')}?date={starts.date().isoformat()}")
    entry = page.get_by_role("link", name=meeting.title)
    expect(entry).to_have_attribute("href", reverse("meeting-detail", args=[meeting.public_id]))
    expect(
        page.get_by_text(f"{starts:%H:%M}–{starts + timedelta(minutes=90):%H:%M}")
    ).to_be_visible()
    assert "Mäkinen" not in page.content()
    assert_accessible(page)

    # 2. The region's gatherings: the demo gathering with the seed's programme.
    page.get_by_role("link", name="Network gatherings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network gatherings")
    assert_accessible(page)
    page.get_by_role("link", name=gathering.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(gathering.title)
    programme = page.get_by_role("table")
    expect(programme.get_by_role("row")).to_have_count(6)
    expect(programme).to_contain_text("Kuntouttavan työtoiminnan siirto")
    expect(programme).to_contain_text("13:30")
    assert_accessible(page)

    # 3. The demo registered tym.oulu: cancel and register again.
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("Your registration was cancelled.")
    assert not Registration.objects.filter(gathering=gathering, user__username="tym.oulu").exists()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You are registered.")
    expect(page.get_by_text(re.compile(r"You are registered \(for "))).to_be_visible()
    assert_accessible(page)
    assert Registration.objects.filter(gathering=gathering, user__username="tym.oulu").count() == 1
    page.goto(f"{base}{reverse('calendar')}?date={gathering_day.isoformat()}")
    expect(page.get_by_role("link", name=gathering.title)).to_be_visible()

    # 4. A feed address, shown once.
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed")
    assert_accessible(page)
    page.get_by_role("button", name="Create a feed address").click()
    address = page.get_by_label("Feed address")
    feed_url = address.input_value()
    assert re.fullmatch(rf"{re.escape(base)}/calendar/feed/[A-Za-z0-9_-]{{43}}\.ics", feed_url)
    assert_accessible(page)
    assert CalendarFeed.objects.filter(user__username="tym.oulu", revoked_at=None).count() == 1
    feed = Client().get(feed_url.removeprefix(base))
    assert feed.status_code == 200
    assert meeting.uid in feed.content.decode().replace("\r\n ", "")
    assert gathering.uid in feed.content.decode().replace("\r\n ", "")
    page.reload()
    expect(page.get_by_label("Feed address")).to_have_count(0)

    # 5. The meeting is in the invited wellbeing county's calendar too.
    hanna = open_page()
    log_in_english(hanna, base, "hva.pohjois")
    hanna.goto(f"{base}{reverse('calendar')}?date={starts.date().isoformat()}")
    expect(hanna.get_by_role("link", name=meeting.title)).to_be_visible()
    assert_accessible(hanna)

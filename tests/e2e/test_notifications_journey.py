import re

from playwright.sync_api import Page, expect

from agencies.models import EmailDelivery, User
from notifications.models import Notification

from ..conftest import DEMO_PASSWORD
from ..notifications.helpers import notify


def log_in_in_english(page: Page, base: str, username: str) -> None:
    # English, so the test reads the same before and after the translations are compiled.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_bell_open_a_notification_and_choose_the_daily_digest(
    open_page, live_server, people, assert_accessible
):
    base = live_server.url
    tiina = User.objects.get(username="tym.oulu")
    notification = notify(tiina, url="/directory/")

    page = open_page()
    log_in_in_english(page, base, "tym.oulu")
    bell = page.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible()
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("You have 1 unread notification.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("The stage “Job search” opens soon")).click()
    expect(page).to_have_url(f"{base}/directory/")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    notification.refresh_from_db()
    assert notification.read_at is not None

    page.get_by_role("link", name="Notifications", exact=True).click()
    expect(page.get_by_text("You have no unread notifications.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="E-mail settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    group = page.get_by_role("group", name="Send my notifications by e-mail")
    expect(group.get_by_label("Immediately")).to_be_checked()
    assert_accessible(page)
    group.get_by_label("Once a day, as a digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your notification settings were saved.")
    expect(page.get_by_label("Once a day, as a digest")).to_be_checked()
    assert_accessible(page)
    assert User.objects.get(pk=tiina.pk).email_delivery == EmailDelivery.DAILY
    assert Notification.objects.filter(recipient=tiina, read_at=None).count() == 0

import re

from playwright.sync_api import Page, expect

from ..conftest import DEMO_PASSWORD


def test_the_front_page_is_the_worklist(page: Page, live_server, mikko, jari, assert_accessible):
    """Tiina's front page: Mikko's referral sent to her, Jari's opened."""
    base = live_server.url
    # In English: the texts below are the source strings, whatever their translations.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/")
    page.get_by_label("Username").fill("tym.oulu")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tiina")
    referrals = page.get_by_role("region", name=re.compile("Referrals to open or accept"))
    expect(referrals.get_by_role("row")).to_have_count(3)  # the header and two referrals
    expect(
        page.get_by_role("region", name=re.compile("Stages with an open window"))
    ).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Meetings this week"))).to_be_visible()
    # The navigation counts the items.
    expect(page.get_by_role("link", name=re.compile(r"^Worklist\s*, \d+ items"))).to_be_visible()
    assert_accessible(page)

    referrals.get_by_role("link", name=re.compile("^Open the referral")).click()
    expect(page).to_have_url(re.compile(r"/referrals/[0-9a-f-]{36}/$"))

import datetime
import re

from playwright.sync_api import Page, expect

from core.dates import today
from pathways.models import Case, PathwayTemplate
from referrals.clients.identity import hetu_make

from ..conftest import DEMO_PASSWORD

# The editor's strings are compiled into Finnish and Swedish by the lead; English reads
# the same before and after.
ENGLISH = "en"


def log_in(page: Page, base: str, username: str) -> None:
    page.context.add_cookies([{"name": "polku_language", "value": ENGLISH, "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_coordinator_publishes_a_new_version_and_only_new_cases_take_it(
    open_page, live_server, mikko, assert_accessible
):
    base = live_server.url
    adult = PathwayTemplate.ADULT_RELEASE
    running = mikko
    # The shipped path is version 2 (pathways/data/release-adult.yaml).
    assert (running.template.code, running.template.version) == (adult, 2)

    # 1. The coordinator opens Pathways and makes a new version of the adult path.
    coordinator = open_page()
    log_in(coordinator, base, "koordinaattori.oulu")
    coordinator.get_by_role("link", name="Pathways", exact=True).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Pathways")
    assert_accessible(coordinator)
    family = coordinator.get_by_role("region", name=re.compile("Adult release path"))
    family.get_by_role("link", name="version 2").click()
    expect(coordinator.locator(".template-stage")).to_have_count(9)
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Make a new version").click()
    expect(coordinator.get_by_role("status")).to_contain_text("Version 3 is a draft")
    expect(coordinator.locator(".lead")).to_contain_text("version 3")
    assert_accessible(coordinator)

    # 2. ... adds a stage; a window that closes before it opens is an error on its field.
    coordinator.get_by_role("link", name="Add a stage").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Add a stage")
    assert_accessible(coordinator)
    stage = coordinator.get_by_role("group", name="Stage", exact=True)
    stage.get_by_label("Name in Finnish").fill("Seuranta puolen vuoden kohdalla")
    stage.get_by_label("Name in Swedish").fill("Uppföljning efter ett halvår")
    stage.get_by_label("Name in English").fill("Six-month follow-up")
    stage.get_by_label("Responsible agency kind").select_option(label="Employment area")
    stage.get_by_label("Window opens (days from the anchor)").fill("200")
    stage.get_by_label("Window closes (days from the anchor)").fill("190")
    item = coordinator.get_by_role("group", name="Item 1", exact=True)
    item.get_by_label("Name in Finnish").fill("Asiakkaan tilanne tarkistettu")
    item.get_by_label("Name in Swedish").fill("Klientens situation kontrollerad")
    item.get_by_label("Name in English").fill("Client's situation checked")
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.locator("#id_window_end_error")).to_have_text(
        "A stage's window cannot close before it opens."
    )
    assert_accessible(coordinator)
    stage.get_by_label("Window opens (days from the anchor)").fill("180")
    stage.get_by_label("Window closes (days from the anchor)").fill("210")
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.get_by_role("status")).to_contain_text("The stage was saved.")
    added = coordinator.locator(".template-stage").last
    expect(added.get_by_role("heading", level=3)).to_have_text("Six-month follow-up")
    expect(added).to_contain_text("Client's situation checked")
    expect(coordinator.locator(".template-stage")).to_have_count(10)
    assert_accessible(coordinator)

    # 3. ... and publishes it.
    coordinator.get_by_role("button", name="Publish this version").click()
    expect(coordinator.get_by_role("status")).to_contain_text("Version 3 is published")
    expect(coordinator.get_by_role("button", name="Make a new version")).to_be_visible()
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Back to pathways").click()
    expect(family.get_by_role("row", name=re.compile("version 3"))).to_contain_text("Published")
    assert_accessible(coordinator)

    # 4. A release logged now starts on version 3 ...
    rise = open_page()
    log_in(rise, base, "rise.oulu")
    rise.get_by_role("link", name="Upcoming releases").click()
    rise.get_by_role("link", name="Log a new release").click()
    assert_accessible(rise)
    rise.get_by_label("Personal identity code").fill(hetu_make(datetime.date(1981, 6, 15), 388))
    rise.get_by_label("First names").fill("Ville")
    rise.get_by_label("Last name").fill("Versiokas")
    rise.get_by_label("Home municipality", exact=True).select_option(label="Oulu")
    release_day = today() + datetime.timedelta(days=80)
    rise.get_by_label("Expected release date").fill(release_day.isoformat())
    rise.get_by_label("Release type").select_option(label="Conditional release (parole)")
    rise.get_by_role("button", name="Log the release").click()
    expect(rise.get_by_role("heading", level=1)).to_have_text("Ville Versiokas")
    expect(rise.locator(".lead")).to_contain_text("version 3")
    assert_accessible(rise)
    new_case = Case.objects.get(client__last_name="Versiokas")
    assert (new_case.template.code, new_case.template.version) == (adult, 3)
    assert new_case.stages.count() == 10

    # 5. ... while the case already running keeps version 2.
    rise.get_by_role("link", name="Upcoming releases").click()
    rise.get_by_role("link", name=running.reference).click()
    expect(rise.locator(".lead")).to_contain_text("version 2")
    assert_accessible(rise)
    running.refresh_from_db()
    assert running.template.version == 2
    assert running.stages.count() == 9

"""A case network meeting in the browser (issue 5): koordinaattori.oulu schedules one for
Mikko Mäkinen from his case page, inviting Oulun seutu's tym.oulu and the wellbeing
county's hva.pohjois; tym.oulu answers; the minutes' action lands in the employment plan.
Every page is scanned with axe."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from core.dates import today
from meetings.models import ActionItem, Meeting
from plans.models import PlanAction

from ..conftest import DEMO_PASSWORD

ACTION = "Työkokeilupaikan haku hitsausalalta"


def log_in_english(page: Page, base: str, username: str) -> None:
    # The new strings are English until the lead compiles the translations.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def no_mail(monkeypatch):
    """The live server's transactions commit, so the services' on-commit hooks run: keep
    the invitation and e-mail tasks off the broker a development worker may read."""
    from meetings import tasks as meeting_tasks
    from notifications import tasks as notification_tasks

    for module in (meeting_tasks, notification_tasks):
        for name in dir(module):
            task = getattr(module, name)
            if hasattr(task, "delay"):
                monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)


def test_a_coordinator_schedules_a_network_meeting_and_its_action_reaches_the_plan(
    open_page, live_server, planned_mikko, assert_accessible, no_mail
):
    base = live_server.url
    case = planned_mikko
    day = today() + timedelta(days=3)

    # 1. The coordinator opens Mikko's path and schedules a meeting from it.
    coordinator = open_page()
    log_in_english(coordinator, base, "koordinaattori.oulu")
    coordinator.goto(f"{base}/cases/{case.public_id}/")
    section = coordinator.get_by_role("region", name="Network meetings")
    expect(section).to_contain_text("No network meetings for your agency yet.")
    assert_accessible(coordinator)
    section.get_by_role("link", name="Schedule a meeting").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Schedule a network meeting")
    assert_accessible(coordinator)

    # 2. Leaving out the place and the video link is refused on the place field.
    coordinator.get_by_label("Title").fill("Aloituspalaveri")
    coordinator.get_by_label("Date", exact=True).fill(day.isoformat())
    coordinator.get_by_label("Starts at").fill("13:00")
    coordinator.get_by_label("Ends at").fill("14:00")
    coordinator.get_by_role("button", name="Schedule and send the invitations").click()
    expect(coordinator.locator("#id_place_error")).to_have_text("Give a place or a video link.")
    assert_accessible(coordinator)

    # 3. The suggested invitees: Oulun seutu with its named contact person, the county.
    oulu = coordinator.get_by_label("Invite Oulu region employment area")
    county = coordinator.get_by_label("Invite North Ostrobothnia wellbeing services county")
    expect(oulu).to_be_checked()
    expect(county).to_be_checked()
    expect(
        coordinator.get_by_label("Who from Oulu region employment area").locator("option:checked")
    ).to_have_text(re.compile("^Tiina Toivonen"))
    expect(
        coordinator.get_by_label("Who from North Ostrobothnia wellbeing services county").locator(
            "option:checked"
        )
    ).to_have_text(re.compile("^Hanna Heikkinen"))
    coordinator.get_by_label("Place").fill("Oulun työllisyyspalvelut, neuvotteluhuone 2")
    coordinator.get_by_role("button", name="Schedule and send the invitations").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Aloituspalaveri")
    expect(coordinator.get_by_role("status")).to_contain_text("The meeting was scheduled")
    invitees = coordinator.get_by_role("table", name="Invitees")
    expect(invitees).to_contain_text("Tiina Toivonen")
    expect(invitees).to_contain_text("Hanna Heikkinen")
    assert_accessible(coordinator)
    meeting = Meeting.objects.get(case=case, title="Aloituspalaveri")
    meeting_url = f"{base}/meetings/{meeting.public_id}/"

    # 4. tym.oulu answers from the meeting page.
    tym = open_page()
    log_in_english(tym, base, "tym.oulu")
    tym.goto(meeting_url)
    expect(tym.get_by_role("region", name="Your answer")).to_contain_text(
        "You have not answered yet."
    )
    assert_accessible(tym)
    tym.get_by_role("button", name="Attending", exact=True).click()
    expect(tym.get_by_role("region", name="Your answer")).to_contain_text(
        "You answered: Attending."
    )
    assert_accessible(tym)

    # 5. The coordinator records the minutes with an action item for Oulun seutu.
    coordinator.goto(meeting_url)
    coordinator.get_by_label("Minutes", exact=True).fill("Käytiin läpi tilanne ja tavoitteet.")
    coordinator.get_by_label("Decisions", exact=True).fill("Työkokeilu käynnistetään.")
    first = coordinator.get_by_role("group", name="Action 1")
    first.get_by_label("Action", exact=True).fill(ACTION)
    first.get_by_label("Owner agency").select_option(label="Oulu region employment area")
    first.get_by_label("Due on").fill((today() + timedelta(days=21)).isoformat())
    coordinator.get_by_role("button", name="Save the minutes").click()
    expect(coordinator.get_by_role("status")).to_contain_text("added to the employment plan")
    expect(coordinator.get_by_role("region", name="Minutes and decisions")).to_contain_text(ACTION)
    assert_accessible(coordinator)
    item = ActionItem.objects.get(meeting=meeting)
    assert item.plan_action is not None
    assert PlanAction.objects.filter(plan__case=case, text=ACTION).exists()

    # 6. ... and it is on the employment plan's page.
    coordinator.goto(f"{base}/cases/{case.public_id}/plan/")
    expect(coordinator.get_by_role("cell", name=re.compile(f"^{ACTION}"))).to_be_visible()
    assert_accessible(coordinator)

    # 7. The case page lists the meeting.
    coordinator.goto(f"{base}/cases/{case.public_id}/")
    expect(coordinator.get_by_role("region", name="Network meetings")).to_contain_text(
        "Aloituspalaveri"
    )

    # 8. The organiser's other pages: changing the meeting and its invitees.
    coordinator.goto(meeting_url)
    coordinator.get_by_role("link", name="Change the time, place or agenda").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Change the network meeting")
    assert_accessible(coordinator)
    coordinator.goto(meeting_url)
    coordinator.get_by_role("link", name="Invite or remove participants").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Invite or remove participants"
    )
    assert_accessible(coordinator)

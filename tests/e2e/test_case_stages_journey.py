import datetime
import re

from playwright.sync_api import Page, expect

from core.dates import today
from pathways.models import CaseStage, ChecklistItem

from ..conftest import DEMO_PASSWORD


def log_in_english(page: Page, base: str, username: str) -> None:
    # The new strings are English until the lead compiles the translations.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def checklist_item(stage: CaseStage) -> ChecklistItem:
    """The stage's first checklist item (the shipped paths have them), or one made here."""
    item = stage.stage.checklist.order_by("order").first()
    if item is None:
        item = ChecklistItem.objects.create(
            stage=stage.stage,
            order=1,
            name_fi="Työnhaku käynnistetty",
            name_sv="Arbetssökandet inlett",
            name_en="Job search registered",
        )
    return item


def test_employment_services_work_a_stage_and_rise_moves_the_release(
    open_page, live_server, mikko, assert_accessible
):
    base = live_server.url
    case = mikko
    stage = CaseStage.objects.select_related("stage").get(
        case=case, stage__name_en="Job seeking starts"
    )
    item = checklist_item(stage)
    case_url = f"{base}/cases/{case.public_id}/"

    # 1. The named contact person opens the demo case: the timeline and the stages.
    tym = open_page()
    log_in_english(tym, base, "tym.oulu")
    tym.goto(case_url)
    expect(tym.get_by_role("heading", level=1)).to_have_text("Mikko Mäkinen")
    timeline = tym.get_by_role("img", name=re.compile("^Timeline of the stages"))
    expect(timeline).to_be_visible()
    expect(timeline.locator(".case-timeline__marker--today")).to_have_text("Today")
    expect(tym.locator("li.stage")).to_have_count(CaseStage.objects.filter(case=case).count())
    assert_accessible(tym)

    # 2. Skipping needs a reason, shown on its field.
    block = tym.locator(f"#stage-{stage.pk}")
    block.locator("summary").click()
    block.get_by_role("button", name=re.compile("^Skip the stage")).click()
    block = tym.locator(f"#stage-{stage.pk}")
    expect(block.locator(f"#id_stage-{stage.pk}-reason_error")).to_have_text(
        "Give the reason for skipping the stage."
    )
    assert_accessible(tym)

    # 3. ... marks the stage in progress ...
    block.get_by_role("button", name=re.compile("^Start")).click()
    expect(tym.get_by_role("status")).to_contain_text("is now in progress")
    block = tym.locator(f"#stage-{stage.pk}")
    expect(block.locator(".stage-status")).to_have_text("In progress")
    expect(block.get_by_role("button", name=re.compile("^Mark done"))).to_be_visible()
    assert_accessible(tym)

    # 4. ... and ticks a checklist item.
    block.get_by_label(item.name_en).check()
    block.get_by_role("button", name=re.compile("^Save the checklist")).click()
    expect(tym.get_by_role("status")).to_contain_text("Saved the checklist")
    block = tym.locator(f"#stage-{stage.pk}")
    expect(block.get_by_label(item.name_en)).to_be_checked()
    expect(block).to_contain_text("Ticked by Tiina Toivonen")
    assert_accessible(tym)
    stage.refresh_from_db()
    assert stage.status == "in_progress"
    assert stage.ticks.filter(item=item).exists()

    # 5. The Rise unit that started the case moves the release date; the windows follow.
    rise = open_page()
    log_in_english(rise, base, "rise.oulu")
    rise.goto(case_url)
    rise.locator(".release-date-inline summary").click()
    assert_accessible(rise)
    rise.goto(f"{case_url}release-date/")
    expect(rise.get_by_role("heading", level=1)).to_have_text("Move the release date")
    assert_accessible(rise)
    new_date = today() + datetime.timedelta(days=95)
    rise.get_by_label("New expected release date").fill(new_date.isoformat())
    rise.get_by_role("button", name="Move the release date").click()
    expect(rise.get_by_role("status")).to_contain_text("the stage windows moved with it")
    expect(rise.get_by_text("95 days left.")).to_be_visible()
    assert_accessible(rise)
    case.refresh_from_db()
    assert case.anchor_date == new_date

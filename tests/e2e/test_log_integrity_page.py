"""The data protection officer's "Log integrity" page in the browser, at desktop width and
on a phone: the logs sealed and checked as the beat tasks do, the page reached from the
log pages, scanned with axe, and on the phone not scrolling sideways."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dpo.models import LogCheck, LogKind
from dpo.services import log_chains_verify, logs_seal

from ..factories import agency
from .test_case_stages_journey import log_in_english

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def no_sideways_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_dpo_finds_the_logs_sealed_and_intact(
    open_page, live_server, mikko, assert_accessible, viewport: dict[str, Any]
):
    base = live_server.url
    mikko = mikko.client

    def check(page: Page) -> None:
        assert_accessible(page)
        if viewport is PHONE:
            no_sideways_scroll(page, PHONE["width"])

    # 1. Oulun seutu's contact person looks at Mikko: a row in the use log.
    tym = open_page()
    log_in_english(tym, base, "tym.oulu")
    tym.goto(f"{base}/clients/{mikko.public_id}/")
    expect(tym.get_by_role("heading", name="Change history")).to_be_visible()

    # 2. The beat tasks' services: seal the rows (as if the seal delay had passed) and
    # check the chains, as the nightly task does.
    assert logs_seal(now=timezone.now() + datetime.timedelta(hours=1)) > 0
    states = log_chains_verify()
    assert states
    assert all(state.intact for state in states), states
    # Oulun seutu discloses nothing in the demo world: only its use log has a chain.
    oulu = agency("tym-oulu")
    assert LogCheck.objects.filter(agency=oulu, log=LogKind.USE, intact=True).exists()
    assert not LogCheck.objects.filter(agency=oulu, log=LogKind.DISCLOSURE).exists()

    # 3. The data protection officer opens the logs from the navigation ...
    dpo = open_page(viewport=viewport)
    log_in_english(dpo, base, "tietosuoja")
    dpo.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Logs").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Use log")
    check(dpo)

    # ... and follows the link to the log integrity page.
    dpo.get_by_role("navigation", name="Logs").get_by_role("link", name="Log integrity").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Log integrity")
    expect(
        dpo.get_by_role("navigation", name="Logs").get_by_role("link", name="Log integrity")
    ).to_have_attribute("aria-current", "page")
    # The use log's chain was checked and is intact, with its seals and rows.
    uses = dpo.get_by_role("region", name="Use log")
    expect(uses.locator(".dpo-chain-intact")).to_contain_text(
        re.compile(r"^Intact when checked on .*: [1-9]\d* seals, [1-9]\d* rows\.$")
    )
    expect(uses.get_by_text(re.compile(r"^Sealed up to "))).to_be_visible()
    # The disclosure log has nothing to seal.
    disclosures = dpo.get_by_role("region", name="Disclosure log")
    expect(disclosures.get_by_text("Not checked yet.")).to_be_visible()
    expect(disclosures.get_by_text(re.compile(r"^Nothing sealed yet\."))).to_be_visible()
    expect(dpo.locator(".dpo-chain-broken")).to_have_count(0)
    check(dpo)

    # 4. From the integrity page back to the disclosure log.
    dpo.get_by_role("navigation", name="Logs").get_by_role("link", name="Disclosure log").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Disclosure log")
    check(dpo)

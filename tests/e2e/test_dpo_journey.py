import datetime
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from referrals.clients.identity import hetu_make

from ..conftest import DEMO_PASSWORD

MIKKO_HETU = hetu_make(datetime.date(1985, 3, 14), 231)


def log_in_english(page: Page, base: str, username: str) -> None:
    # The new strings are English until the lead compiles the translations.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_dpo_reads_the_logs_and_mikkos_report(open_page, live_server, mikko, assert_accessible):
    base = live_server.url
    mikko = mikko.client

    # 1. Oulun seutu's contact person looks at Mikko: a use-log row, and his history.
    tym = open_page()
    log_in_english(tym, base, "tym.oulu")
    tym.goto(f"{base}/clients/{mikko.public_id}/")
    expect(tym.get_by_role("heading", name="Change history")).to_be_visible()

    # 2. The data protection officer opens the use log from the navigation.
    dpo = open_page(accept_downloads=True)
    log_in_english(dpo, base, "tietosuoja")
    dpo.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Logs").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Use log")
    # The worklist Tiina landed on and Mikko's page: a row each.
    expect(dpo.get_by_role("cell", name="Mäkinen, Mikko").first).to_be_visible()
    assert_accessible(dpo)

    # 3. The disclosure log: Oulu prison's referral of Mikko.
    dpo.get_by_role("navigation", name="Logs").get_by_role("link", name="Disclosure log").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Disclosure log")
    expect(dpo.get_by_role("cell", name="Mäkinen, Mikko").first).to_be_visible()
    assert_accessible(dpo)

    # 4. A wrong identity code is an error on its field, and the code is not echoed.
    dpo.get_by_label("Personal identity code").fill("131052-308U")
    dpo.get_by_role("button", name="Find the client").click()
    expect(dpo.locator("#id_lookup-hetu_error")).to_be_visible()
    expect(dpo.get_by_label("Personal identity code")).to_have_value("")
    assert_accessible(dpo)

    # 5. Filtered by Mikko's identity code, which stays out of the address.
    dpo.get_by_label("Personal identity code").fill(MIKKO_HETU)
    dpo.get_by_role("button", name="Find the client").click()
    expect(dpo).to_have_url(re.compile(rf"\?client={mikko.public_id}$"))
    assert MIKKO_HETU not in dpo.url
    expect(dpo.get_by_text("Only the rows of Mikko Mäkinen.")).to_be_visible()
    assert_accessible(dpo)

    # 6. His log report, and its downloads.
    dpo.get_by_role("link", name="The client's log report").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Log report: Mikko Mäkinen")
    disclosures = dpo.get_by_role("table", name="Disclosures")
    expect(disclosures.get_by_role("cell", name="Oulu region employment area")).to_be_visible()
    uses = dpo.get_by_role("table", name="Use of the data")
    expect(uses.get_by_role("cell", name="Tiina Toivonen (tym.oulu)").first).to_be_visible()
    assert_accessible(dpo)
    with dpo.expect_download() as pdf:
        dpo.get_by_role("link", name="Download as PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    with dpo.expect_download() as csv:
        dpo.get_by_role("link", name="Download as CSV").click()
    assert "Mäkinen" not in csv.value.suggested_filename
    assert "Tiina Toivonen" in Path(csv.value.path()).read_text(encoding="utf-8-sig")

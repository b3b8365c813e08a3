import datetime
import re

from playwright.sync_api import Page, expect

from core.dates import today
from referrals.clients.identity import hetu_make

from ..conftest import DEMO_PASSWORD


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()


def test_release_referral_accept_and_the_sender_sees_it(
    open_page, live_server, mikko, assert_accessible
):
    """Mikko's sent referral waits in Tiina's inbox already: she finds the new one beside
    it."""
    base = live_server.url
    release_day = today() + datetime.timedelta(days=70)

    # 1. The Rise contact person logs an upcoming release.
    rise = open_page()
    log_in(rise, base, "rise.oulu")
    rise.get_by_role("link", name="Vapautuvat").click()
    expect(rise.get_by_role("heading", level=1)).to_have_text("Vapautuvat")
    assert_accessible(rise)
    rise.get_by_role("link", name="Kirjaa uusi vapautuminen").click()
    assert_accessible(rise)
    rise.get_by_label("Henkilötunnus").fill("131052-308U")
    rise.get_by_role("button", name="Kirjaa vapautuminen").click()
    expect(rise.locator("#id_hetu_error")).to_have_text("Tämä ei ole kelvollinen henkilötunnus.")
    assert_accessible(rise)
    rise.get_by_label("Henkilötunnus").fill(hetu_make(datetime.date(1984, 2, 29), 377))
    rise.get_by_label("Etunimet").fill("Kalle")
    rise.get_by_label("Sukunimi").fill("Kokeilija")
    rise.get_by_label("Kotikunta", exact=True).select_option(label="Oulu")
    rise.get_by_label("Arvioitu vapautumispäivä").fill(release_day.isoformat())
    rise.get_by_label("Vapautumistapa").select_option(label="Ehdonalainen vapautuminen")
    rise.get_by_role("button", name="Kirjaa vapautuminen").click()
    expect(rise.get_by_role("heading", level=1)).to_have_text("Kalle Kokeilija")
    expect(rise.get_by_text("70 päivää jäljellä.")).to_be_visible()
    expect(rise.locator(".stage")).to_have_count(9)
    assert_accessible(rise)

    # 2. ... and sends a referral; routing suggests Oulun seutu and its Rise contact person.
    rise.get_by_role("link", name="Lähetä lähete").click()
    expect(rise.get_by_label("Vastaanottava organisaatio")).to_have_value(re.compile(r"\d+"))
    recipient = rise.get_by_label("Vastaanottava organisaatio")
    expect(recipient.locator("option:checked")).to_have_text("Oulun seudun työllisyysalue")
    expect(rise.get_by_label("Nimetty yhteyshenkilö").locator("option:checked")).to_have_text(
        "Tiina Toivonen"
    )
    expect(rise.get_by_label("Henkilötiedot")).to_be_checked()
    expect(rise.get_by_label("Yhteystiedot")).not_to_be_checked()
    assert_accessible(rise)
    rise.get_by_label("Yhteystiedot").check()
    rise.get_by_role("button", name="Lähetä lähete").click()
    expect(rise.locator("#id_categories_error")).to_contain_text("Yhteystiedot")
    rise.get_by_label("Yhteystiedot").uncheck()
    rise.get_by_label("Viesti").fill("Tapaaminen vankilassa ennen vapautumista?")
    rise.get_by_role("button", name="Lähetä lähete").click()
    expect(rise.get_by_role("status")).to_contain_text("Lähete lähetettiin")
    assert_accessible(rise)
    referral_url = rise.url

    # 3. The named contact person finds it in the inbox, opens and accepts it (htmx).
    tym = open_page()
    log_in(tym, base, "tym.oulu")
    expect(tym.get_by_role("link", name=re.compile(r"Saapuneet 2"))).to_be_visible()
    tym.get_by_role("link", name=re.compile("Saapuneet")).click()
    expect(tym.get_by_role("heading", level=1)).to_have_text("Saapuneet lähetteet")
    assert_accessible(tym)
    tym.get_by_role("link", name=re.compile("Kokeilija, Kalle")).click()
    expect(tym.get_by_text("Tapaaminen vankilassa ennen vapautumista?")).to_be_visible()
    expect(tym.locator("#section-contact + p")).to_contain_text("Ei luovutettu")
    assert_accessible(tym)
    tym.get_by_role("button", name="Hyväksy").click()
    actions = tym.locator("#referral-actions")
    expect(actions.locator("#actions-heading")).to_contain_text("Hyväksytty")
    expect(actions).to_contain_text("Vastuuhenkilö: Tiina Toivonen")
    assert tym.url == referral_url  # swapped in place, no reload
    assert_accessible(tym)

    # 4. The sender sees the outcome.
    rise.get_by_role("link", name="Lähetetyt").click()
    row = rise.get_by_role("row", name=re.compile("Kokeilija"))
    expect(row).to_contain_text("Hyväksytty")
    expect(row).to_contain_text("Tiina Toivonen")
    assert_accessible(rise)
    rise.goto(referral_url)
    expect(rise.locator(".timeline li")).to_have_count(3)
    assert_accessible(rise)


def test_returning_needs_a_reason_with_and_without_javascript(
    open_page, live_server, mikko, assert_accessible
):
    page = open_page()
    log_in(page, live_server.url, "tym.oulu")
    page.goto(f"{live_server.url}/referrals/inbox/?status=sent")
    page.get_by_role("link", name=re.compile("Mäkinen")).click()
    page.get_by_role("button", name="Palauta lähettäjälle").click()
    expect(page.locator("#id_reason_error")).to_have_text(
        "Kerro lähettäjälle, miksi lähete palautetaan."
    )
    assert_accessible(page)

    # Without JavaScript the same forms post the page. (axe needs JavaScript, so the
    # page was scanned above.)
    page = open_page(java_script_enabled=False)
    log_in(page, live_server.url, "tym.oulu")
    page.goto(f"{live_server.url}/referrals/inbox/?status=opened")
    page.get_by_role("link", name=re.compile("Mäkinen")).click()
    page.get_by_role("button", name="Palauta lähettäjälle").click()
    expect(page.locator("#id_reason_error")).to_have_text(
        "Kerro lähettäjälle, miksi lähete palautetaan."
    )
    page.get_by_label("Palauttamisen syy").fill("Asiakas kuuluu toiselle alueelle.")
    page.get_by_role("button", name="Palauta lähettäjälle").click()
    expect(page.get_by_role("status")).to_contain_text("palautettu")
    expect(page.locator("#actions-heading")).to_contain_text("Palautettu")

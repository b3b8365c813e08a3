import re

from playwright.sync_api import Page, expect

from ..conftest import DEMO_PASSWORD


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()


def test_log_in_search_the_directory_and_switch_to_swedish(
    page: Page, live_server, people, assert_accessible
):
    base = live_server.url
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu Polkuun")
    assert_accessible(page)

    log_in(page, base, "tym.oulu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tervetuloa, Tiina")
    expect(page.get_by_role("heading", name="Oulun seudun työllisyysalue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Yhteyshenkilöhakemisto").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yhteyshenkilöhakemisto")
    assert_accessible(page)

    # Choosing the municipality updates the results in place (htmx) and the address.
    page.get_by_label("Asiakkaan kunta").select_option(label="Oulu")
    expect(page.get_by_role("heading", name="Asiakas kunnasta Oulu kuuluu")).to_be_visible()
    results = page.locator("#directory-results")
    expect(results.get_by_role("cell", name="Hanna Heikkinen")).to_be_visible()
    expect(results.get_by_role("cell", name="Teemu Tamminen")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"municipality="))
    assert_accessible(page)

    page.get_by_label("Nimi").fill("toivonen")
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results.get_by_role("cell", name="Tiina Toivonen")).to_be_visible()

    page.get_by_role("link", name="Oulun seudun työllisyysalue").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oulun seudun työllisyysalue")
    assert_accessible(page)

    page.get_by_label("Kieli").select_option("sv")
    page.get_by_role("button", name="Vaihda kieli").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Uleåborgsregionens sysselsättningsområde"
    )
    page.get_by_role("link", name="Kontaktkatalog").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontaktkatalog")
    page.get_by_label("Klientens kommun").select_option(label="Helsingfors")
    expect(page.get_by_role("heading", name="En klient från Helsingfors hör till")).to_be_visible()
    assert_accessible(page)


def test_rise_contact_person_switches_agency_in_the_header(
    page: Page, live_server, people, assert_accessible
):
    log_in(page, live_server.url, "rise.oulu")
    expect(page.get_by_role("heading", name="Oulun vankila")).to_be_visible()
    office = "Pohjois-Suomen yhdyskuntaseuraamustoimisto"
    page.get_by_label("Toimit organisaatiossa").select_option(label=office)
    page.get_by_role("button", name="Vaihda", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Toimit nyt organisaatiossa {office}.")
    expect(page.get_by_role("heading", name=office)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu Polkuun")


def test_coordinator_names_a_contact_person(page: Page, live_server, people, assert_accessible):
    log_in(page, live_server.url, "koordinaattori.oulu")
    page.get_by_role("link", name="Organisaation yhteyshenkilöt ja kunnat").click()
    page.get_by_role("link", name="Lisää yhteyshenkilö").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lisää yhteyshenkilö")
    assert_accessible(page)

    page.get_by_label("Aihe").select_option(label="Nuorten palvelut")
    page.get_by_label("Yhteyshenkilö", exact=True).select_option(label="Tiina Toivonen")
    page.get_by_label("Ensisijainen yhteystapa").select_option(label="Puhelin")
    page.get_by_role("button", name="Tallenna").click()
    # The phone number is missing: the error is on its field and nothing is saved.
    expect(page.locator("#id_phone_error")).to_have_text("Anna ensisijaisen yhteystavan tiedot.")
    expect(page.get_by_label("Puhelin")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Puhelin").fill("+358 40 555 0101")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status")).to_contain_text("Yhteyshenkilö tallennettiin.")
    expect(page.get_by_role("cell", name="Nuorten palvelut")).to_be_visible()
    assert_accessible(page)

"""The agency administrator's "People" page in the browser, at desktop width and on a
phone: an activation code for a member, and a lost phone's two-factor login reset. Every
page is scanned with axe; on the phone no page scrolls sideways."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agencies.models import Membership, Role, User
from security.models import AuthenticatorDevice
from security.sealing import seal
from security.services import activation_code_valid

from ..conftest import DEMO_PASSWORD
from ..factories import agency, user
from .test_case_stages_journey import log_in_english

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def keeper(people) -> User:
    """An agency administrator of Oulun seutu who logs in with a password."""
    person = User.objects.create_user(
        username="paakayttaja.oulu", first_name="Pää", last_name="Käyttäjä"
    )
    person.set_password(DEMO_PASSWORD)
    person.save()
    Membership.objects.create(user=person, agency=agency("tym-oulu"), role=Role.AGENCY_ADMIN)
    return person


def for_member(action: str, member: User) -> re.Pattern[str]:
    """A row's button: the action, and the member's name for a screen reader."""
    return re.compile(rf"^{re.escape(action)}\s*: {re.escape(member.display_name)}$")


def no_sideways_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide at {width} px"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_agency_administrator_issues_a_code_and_resets_a_lost_phone(
    open_page, live_server, keeper, assert_accessible, viewport: dict[str, Any]
):
    base = live_server.url
    tiina = user("tym.oulu")
    kaisa = user("koordinaattori.oulu")
    # Kaisa has an authenticator: her phone is the one lost.
    AuthenticatorDevice.objects.create(
        user=kaisa, name="phone", confirmed=True, key_sealed=seal("00" * 20)
    )
    page = open_page(viewport=viewport)

    def check() -> None:
        assert_accessible(page)
        if viewport is PHONE:
            no_sideways_scroll(page, PHONE["width"])

    # 1. The administrator logs in and opens "People" from the navigation.
    log_in_english(page, base, keeper.username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="People"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and two-factor login")
    people = page.get_by_role("table", name="Members of the agency")
    expect(people.get_by_role("cell", name="Tiina Toivonen", exact=True)).to_be_visible()
    expect(people.get_by_role("cell", name="Teemu Tamminen", exact=True)).to_have_count(0)
    kaisas_row = people.get_by_role("row").filter(has_text=kaisa.display_name)
    expect(kaisas_row.get_by_role("cell", name="In use")).to_be_visible()
    # No code for oneself.
    own_row = people.get_by_role("row").filter(has_text=keeper.display_name)
    expect(own_row.get_by_text("You cannot issue a code to yourself.")).to_be_visible()
    check()

    # 2. An activation code for Tiina, shown once.
    page.get_by_role("button", name=for_member("Issue an activation code", tiina)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activation code")
    expect(page.get_by_text(tiina.display_name, exact=True)).to_be_visible()
    code = page.locator(".activation-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{12,}", code), code
    assert activation_code_valid(user=tiina, code=code) is not None
    check()

    # 3. Back on the list, Tiina's code is waiting.
    page.get_by_role("link", name="Back to the people of the agency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and two-factor login")
    tiinas_row = people.get_by_role("row").filter(has_text=tiina.display_name)
    expect(
        tiinas_row.get_by_role("cell", name="Activation code given, not yet used")
    ).to_be_visible()
    check()

    # 4. Kaisa lost her phone: her two-factor login is reset.
    page.get_by_role("button", name=for_member("Reset two-factor login", kaisa)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and two-factor login")
    expect(
        page.get_by_text(
            f"{kaisa.display_name}'s two-factor login was reset: they need a new activation code."
        )
    ).to_be_visible()
    expect(kaisas_row.get_by_role("cell", name="Not set up")).to_be_visible()
    expect(
        page.get_by_role("button", name=for_member("Reset two-factor login", kaisa))
    ).to_have_count(0)
    assert not AuthenticatorDevice.objects.filter(user=kaisa).exists()
    check()

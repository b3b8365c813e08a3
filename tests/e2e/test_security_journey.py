"""Two-factor login in the browser, under the Content-Security-Policy: a persona sets up the
authenticator, htmx keeps working with nonces and no eval, and the browser reports no CSP
violation on any page."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from security.services import activation_code_issue

from ..conftest import DEMO_PASSWORD


@pytest.fixture
def two_factor_required(settings):
    # The live server runs in this process, so it sees the setting.
    settings.POLKU_REQUIRE_2FA = True


def code(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def csp_nonce(response: Response | None) -> str:
    assert response is not None
    header = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    match = re.search(r"script-src 'self' 'nonce-([^']+)'", header)
    assert match, header
    return match.group(1)


def test_a_persona_sets_up_two_factor_login_and_htmx_works_under_the_policy(
    open_page, live_server, personas, mikko, two_factor_required, assert_accessible
):
    base = live_server.url
    page: Page = open_page()
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])

    # 1. The password first; with no authenticator yet the set-up follows at once.
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("tym.oulu")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor login")
    expect(page.get_by_role("navigation", name="Main navigation")).to_have_count(0)
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    assert_accessible(page)

    # 2. The password alone sets up nothing: the app's code (computed here from the key
    # shown as text) needs the one-time activation code the administrator issued ...
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#id_activation_code_error")).to_contain_text("This field is required")
    page.get_by_label("Activation code").fill("AAAA-BBBB-CCCC")
    page.get_by_label("Code from the app").fill(code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#id_activation_code_error")).to_contain_text(
        "The activation code is not valid"
    )
    assert_accessible(page)
    activation = activation_code_issue(user=personas["tym.oulu"], issued_by=personas["admin"])
    page.get_by_label("Activation code").fill(activation)
    page.get_by_label("Code from the app").fill("000000" if code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#id_code_error")).to_contain_text("The code does not match")
    assert_accessible(page)
    page.get_by_label("Activation code").fill(activation)
    page.get_by_label("Code from the app").fill(code(secret))
    page.get_by_role("button", name="Confirm").click()
    # ... and the ten backup codes are shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Backup codes")
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # 3. Every page carries its nonce in the header and on its scripts.
    response = page.goto(f"{base}/directory/")
    nonce = csp_nonce(response)
    assert page.eval_on_selector("script[src*='htmx']", "s => s.nonce") == nonce
    assert_accessible(page)

    # 4. htmx updates the results in place: no page load, no eval, no inline styles.
    page.evaluate("window.__stillTheSamePage = true")
    results = page.locator("#directory-results")
    page.get_by_label("Client's municipality").select_option(label="Oulu")
    expect(results.get_by_role("cell", name="Hanna Heikkinen")).to_be_visible()
    expect(page).to_have_url(re.compile(r"municipality="))
    assert page.evaluate("window.__stillTheSamePage") is True
    page.get_by_label("Name", exact=True).fill("toivonen")
    expect(results.get_by_role("cell", name="Hanna Heikkinen")).to_have_count(0)
    expect(results.get_by_role("cell", name="Tiina Toivonen").first).to_be_visible()
    assert page.evaluate("window.__stillTheSamePage") is True
    assert_accessible(page)

    # 5. The case timeline is positioned by a style element with the page's nonce.
    case = mikko
    response = page.goto(f"{base}/cases/{case.public_id}/")
    nonce = csp_nonce(response)
    assert page.eval_on_selector("style", "s => s.nonce") == nonce
    left = page.eval_on_selector("#timeline-today", "m => getComputedStyle(m).left")
    assert left not in {"0px", "auto"}, left
    assert_accessible(page)

    # 6. The login security page lists this session.
    page.get_by_role("link", name=re.compile("Login security")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Login security")
    expect(page.get_by_role("cell", name="This session")).to_be_visible()
    # The session's browser and system in words, the raw User-Agent behind a disclosure.
    browser = page.locator(".user-agent summary")
    expect(browser).to_have_text(re.compile(r"^HeadlessChrome \d+ on Linux$"))
    expect(page.locator(".user-agent code")).to_be_hidden()
    browser.click()
    expect(page.locator(".user-agent code")).to_contain_text("Mozilla/5.0 (X11; Linux")
    assert_accessible(page)

    # 7. Next time the password is followed by the app's code.
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("tym.oulu")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor login")
    assert_accessible(page)
    # The set-up's code is spent; the app's next one opens Polku.
    page.get_by_label("Verification code").fill(code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    assert violations == []
    # The browser does report a violation here: a style attribute slipped into the page.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
        )

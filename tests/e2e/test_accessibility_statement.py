"""The accessibility statement in the browser, on a desktop screen and a 390 px phone:
reached from any page's footer without logging in, no sideways scrolling, no axe
violation, and feedback with its errors on the field and its thanks."""

import re

import pytest
from playwright.sync_api import Page, expect

from accessibility.models import AccessibilityFeedback
from notifications.models import OutboxMessage

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}


def fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_anyone_reads_the_statement_and_gives_feedback(
    open_page, live_server, assert_accessible, settings, screen
):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = ["a11y@polku.example"]
    base = live_server.url
    page: Page = open_page(viewport=VIEWPORTS[screen])
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])

    # From the login page's footer, without logging in.
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.get_by_text("Polku partially conforms")).to_be_visible()
    expect(page.get_by_role("heading", name="Supervisory authority")).to_be_visible()
    expect(page.get_by_label("The page your feedback concerns")).to_have_value("/accounts/login/")
    assert fits_the_width(page)
    assert_accessible(page)

    # Sending nothing: the error is on the field, in words.
    page.get_by_role("button", name="Send feedback").click()
    feedback = page.get_by_label("Your feedback", exact=True)
    expect(page.locator("#id_message_error")).to_have_text("Write your feedback.")
    expect(feedback).to_have_attribute("aria-invalid", "true")
    assert fits_the_width(page)
    assert_accessible(page)

    # The keyboard alone: Tab visits the fields in reading order and reaches the button.
    feedback.focus()
    page.keyboard.type("The sort options of the inbox are read out in English.")
    visited: list[str] = []
    while len(visited) < 10:
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.name || document.activeElement.id"))
        if visited[-1] == "email":
            page.keyboard.type("maija@example.fi")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert visited[:3] == ["page", "name", "email"]
    expect(page.get_by_role("button", name="Send feedback")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page).to_have_url(re.compile(r"/accessibility/$"))
    assert fits_the_width(page)
    assert_accessible(page)

    saved = AccessibilityFeedback.objects.get()
    assert saved.page == "/accounts/login/"
    assert (saved.email, saved.language) == ("maija@example.fi", "en")
    mail = OutboxMessage.objects.get(key__startswith=f"accessibility-feedback:{saved.pk}:")
    assert mail.to == "a11y@polku.example"

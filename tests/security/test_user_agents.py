"""The session list names each session's browser and system (ua-parser), and keeps the
raw User-Agent string in a disclosure next to it."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from security.useragents import user_agent_summary

from ..conftest import DEMO_PASSWORD
from ..factories import user

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36"
)
EDGE_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70"
)


@pytest.mark.parametrize(
    ("user_agent", "summary"),
    [
        (FIREFOX_WINDOWS, "Firefox 133 on Windows"),
        (SAFARI_IPHONE, "Mobile Safari 17 on iOS"),
        (CHROME_ANDROID, "Chrome Mobile 131 on Android"),
        (EDGE_MAC, "Edge 131 on Mac OS X"),
        # A tool names itself but no system.
        ("curl/8.5.0", "curl 8"),
        ("Phone browser", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_the_summary_names_the_browser_and_the_system(user_agent, summary):
    with translation.override("en"):
        assert user_agent_summary(user_agent) == summary


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_session_list_shows_browser_and_system_with_the_raw_string(personas, language):
    client = Client(HTTP_USER_AGENT=FIREFOX_WINDOWS)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    user("tym.oulu")
    response = client.post(reverse("login"), {"username": "tym.oulu", "password": DEMO_PASSWORD})
    assert response.status_code == 302

    html = client.get(reverse("account-security")).content.decode()

    with translation.override(language):
        summary = user_agent_summary(FIREFOX_WINDOWS)
    assert "Firefox 133" in summary
    assert "Windows" in summary
    assert f"<summary>{summary}</summary>" in html
    assert f"<code>{FIREFOX_WINDOWS}</code>" in html
    # Only inside the disclosure: no cell shows the raw string as its text.
    assert f'<td class="user-agent">{FIREFOX_WINDOWS}' not in html

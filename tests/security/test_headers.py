"""Security headers, the Content-Security-Policy with nonces, and the production settings."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from security.checks import two_factor_required_in_production
from security.http import client_ip

from ..conftest import DEMO_PASSWORD
from ..factories import user
from ..test_settings import PRODUCTION

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
# The project's templates and any of its apps' own (not those of installed packages).
TEMPLATE_FILES = [
    path
    for folder in [BASE / "templates", *BASE.glob("*/templates")]
    if ".venv" not in folder.parts and "var" not in folder.parts
    for path in folder.rglob("*.html")
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("url_name", ["login", "home", "directory", "inbox", "account-security"])
def test_pages_carry_a_strict_policy_with_their_nonce(client, login, url_name):
    web = client if url_name == "login" else login("tym.oulu")
    response = web.get(reverse(url_name))
    assert response.status_code == 200
    csp = policy(response)
    nonce = response.wsgi_request.csp_nonce
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "htmx is loaded on every page"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<style\b[^>]*>", html))
    assert "style=" not in html
    assert '<meta name="htmx-config"' in html
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html


def test_each_response_has_a_new_nonce(client):
    first = client.get(reverse("login")).wsgi_request.csp_nonce
    assert first != client.get(reverse("login")).wsgi_request.csp_nonce


def test_no_template_has_a_style_attribute_or_a_script_without_the_nonce():
    """Style attributes cannot carry a nonce; every script and style element must."""
    problems = []
    assert TEMPLATE_FILES
    for path in TEMPLATE_FILES:
        text = path.read_text()
        if re.search(r"\sstyle\s*=", text):
            problems.append(f"{path}: style attribute")
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if 'nonce="{{ request.csp_nonce }}"' not in tag:
                problems.append(f"{path}: {tag}")
        if re.search(r"\son[a-z]+\s*=|javascript:|hx-on", text):
            problems.append(f"{path}: inline event handler")
    assert problems == []


def test_security_headers(login):
    response = login("tym.oulu").get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_cookies_are_httponly_and_samesite(client, personas):
    user("tym.oulu")
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "tym.oulu", "password": DEMO_PASSWORD})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["max-age"] == 1800
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"]
    language = client.post(reverse("set_language"), {"language": "en"})
    assert language.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"]


def production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "POLKU_"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, config.settings as s; print(json.dumps({"
            "'hsts': s.SECURE_HSTS_SECONDS, 'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "'preload': s.SECURE_HSTS_PRELOAD, 'session': s.SESSION_COOKIE_SECURE, "
            "'csrf': s.CSRF_COOKIE_SECURE, 'language': s.LANGUAGE_COOKIE_SECURE, "
            "'two_factor': s.POLKU_REQUIRE_2FA, 'proxies': s.POLKU_PROXY_COUNT, "
            "'cache': s.CACHES['default']}))",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings():
    result = production()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.splitlines()[-1])
    assert values["hsts"] >= 365 * 24 * 3600
    assert values["subdomains"]
    assert values["preload"]
    assert values["session"]
    assert values["csrf"]
    assert values["language"]
    assert values["two_factor"] is True
    # No proxy is trusted unless configured: a client could write X-Forwarded-For itself.
    assert values["proxies"] == 0
    behind = production(POLKU_TRUSTED_PROXIES="1")
    assert json.loads(behind.stdout.splitlines()[-1])["proxies"] == 1
    off = json.loads(production(POLKU_REQUIRE_2FA="false").stdout.splitlines()[-1])
    assert off["two_factor"] is False
    redis = json.loads(production(REDIS_URL="redis://redis.example:6379/0").stdout.splitlines()[-1])
    assert redis["cache"]["BACKEND"] == "core.cache.ResilientRedisCache"
    assert redis["cache"]["LOCATION"] == "redis://redis.example:6379/0"
    own = production(
        REDIS_URL="redis://redis.example:6379/0", REDIS_CACHE_URL="redis://cache.example:6379/3"
    )
    assert json.loads(own.stdout.splitlines()[-1])["cache"]["LOCATION"] == (
        "redis://cache.example:6379/3"
    )


def test_development_default_has_two_factor_off():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.POLKU_REQUIRE_2FA)"],
        cwd=settings.BASE_DIR,
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "POLKU_"))
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split()[-1] == "False"


def test_deploy_check_is_clean_and_warns_without_two_factor():
    def check(**env: str) -> subprocess.CompletedProcess[str]:
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "POLKU_"))
        }
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            # Django's own check wants a key of many different characters.
            env={**clean, **PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), **env},
            capture_output=True,
            text=True,
            check=False,
        )

    clean = check()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    without = check(POLKU_REQUIRE_2FA="false")
    assert without.returncode != 0
    assert "polku.W001" in without.stdout + without.stderr


def test_the_check_warns_only_in_production(settings):
    settings.DEBUG = False
    settings.POLKU_REQUIRE_2FA = False
    [warning] = two_factor_required_in_production()
    assert warning.id == "polku.W001"
    settings.POLKU_REQUIRE_2FA = True
    assert two_factor_required_in_production() == []
    settings.DEBUG = True
    settings.POLKU_REQUIRE_2FA = False
    assert two_factor_required_in_production() == []


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "203.0.113.9"), (1, "198.51.100.7"), (2, "192.0.2.1")],
)
def test_the_client_address_trusts_only_the_configured_proxies(settings, proxies, expected):
    settings.POLKU_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
    )
    assert client_ip(request) == expected


def test_a_header_shorter_than_the_proxies_falls_back_to_the_peer(settings):
    settings.POLKU_PROXY_COUNT = 3
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"

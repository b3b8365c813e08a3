import os
import uuid
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation

from agencies.demo import seed_demo_agencies
from agencies.models import Municipality, User
from agencies.reference_data import reference_data_load
from pathways.demo import seed_demo_cases
from pathways.templates.defaults import pathway_defaults_load
from plans.demo import seed_demo_plans
from referrals.law.defaults import legal_defaults_load

# Playwright's sync API runs an event loop in the test thread; the live server and the
# ORM calls in browser tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "test-password-for-personas"
PERSONAS = (
    "rise.oulu",
    "tym.oulu",
    "tym.tampere",
    "koordinaattori.oulu",
    "hva.pohjois",
    "kela.pohjoinen",
    "priima.butti",
    "tietosuoja",
    "admin",
)


def pytest_configure(config: pytest.Config) -> None:
    # Persona logins would otherwise spend most of the suite's time in PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite logs the personas in many times a minute from one address; the rate-limit
    # tests (tests/security) set their own limits.
    settings.POLKU_RATE_LIMITS = {
        rule: (limit * 1000, seconds)
        for rule, (limit, seconds) in settings.POLKU_RATE_LIMITS.items()
    }


def pytest_report_header(config: pytest.Config) -> list[str]:
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    database = settings.DATABASES["default"]
    return [
        f"polku: database {connection.vendor} ({database['ENGINE'].rsplit('.', 1)[-1]}), "
        f"celery broker {broker}",
    ]


def ensure_demo_world() -> dict[str, User]:
    """Reference data, defaults and the demo region with its clients and referrals, loaded
    once per database; transactional tests flush it, and the next test loads it again."""
    if not Municipality.objects.exists():
        reference_data_load()
    if User.objects.filter(username__in=PERSONAS).count() != len(PERSONAS):
        agencies, users = seed_demo_agencies(password=DEMO_PASSWORD)
        legal_defaults_load()
        pathway_defaults_load()
        seed_demo_cases(agencies=agencies, users=users)
        seed_demo_plans()
    return {user.username: user for user in User.objects.filter(username__in=PERSONAS)}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        ensure_demo_world()


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    return ensure_demo_world()


@pytest.fixture
def login(personas: dict[str, User]) -> Callable[[str], Client]:
    """A test client logged in as the named persona."""

    def _login(username: str) -> Client:
        client = Client()
        client.force_login(personas[username])
        return client

    return _login


@pytest.fixture
def oulu(personas: dict[str, User]) -> Municipality:
    return Municipality.objects.get(code="564")


@pytest.fixture
def celery_queue() -> str:
    """A queue of this test's own, so a running development worker cannot take its tasks."""
    return f"polku-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def default_language() -> None:
    """Every test starts in Finnish, as a request without a language cookie does. The
    language middleware leaves a request's language active in the thread (as Django's
    does), so without this a test would speak whatever the test before it asked for."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Rate-limit counters live in the cache: one test's logins must not count in the next."""
    cache.clear()

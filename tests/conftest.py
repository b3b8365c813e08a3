"""The test database holds what every install has (the base): the municipality key, the
law's defaults and the shipped pathway templates. Each test builds the rest of its world
with tests/factories.py, which go through the services: in the test itself, or once for
a module's tests with `module_world` (as Django's setUpTestData). Tests about the demo
itself, or that walk every page as every persona, ask for the whole demo region with the
`demo` fixture (tests/e2e has live-server variants of these worlds)."""

import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, TransactionTestCase
from django.utils import translation

from agencies.demo import seed_demo_agencies
from agencies.models import Municipality, User
from agencies.reference_data import reference_data_load
from pathways.demo import seed_demo_cases
from pathways.models import PathwayTemplate
from pathways.templates.defaults import pathway_defaults_load
from plans.demo import seed_demo_plans
from referrals.law.defaults import legal_defaults_load
from referrals.models import LegalBasis

from .factories import DEMO_PASSWORD, PERSONAS, user

__all__ = ["DEMO_PASSWORD", "PERSONAS"]

# The worker's name under pytest-xdist ("gw0", ...); empty in a run of one process.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# Playwright's sync API runs an event loop in the test thread; the live server and the
# ORM calls in browser tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    # Persona logins would otherwise spend most of the suite's time in PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite logs the personas in many times a minute from one address; the rate-limit
    # tests (tests/security) set their own limits.
    settings.POLKU_RATE_LIMITS = {
        rule: (limit * 1000, seconds)
        for rule, (limit, seconds) in settings.POLKU_RATE_LIMITS.items()
    }
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[attr-defined]
    if XDIST_WORKER:
        # pytest-xdist: each worker has a database of its own (pytest-django names it),
        # but all share REDIS_URL's database, where the broker's queues are too. Each
        # keeps its cache keys under a prefix of its own and clears only those.
        for options in settings.CACHES.values():
            options["KEY_PREFIX"] = f"{options.get('KEY_PREFIX', '')}-{XDIST_WORKER}"
        RedisCache.clear = _own_keys_clear  # type: ignore[method-assign,assignment]


def _own_keys_clear(self: RedisCache) -> None:
    client = self._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{self.key_prefix}:*"))
    if keys:
        client.delete(*keys)


def pytest_report_header(config: pytest.Config) -> list[str]:
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    database = settings.DATABASES["default"]
    return [
        f"polku: database {connection.vendor} ({database['ENGINE'].rsplit('.', 1)[-1]}), "
        f"celery broker {broker}",
    ]


# The worlds ---------------------------------------------------------------------------


def base_world_load() -> None:
    """What every install has, loaded where it is missing (each loader is idempotent)."""
    if not Municipality.objects.exists():
        reference_data_load()
    if not LegalBasis.objects.exists():
        legal_defaults_load()
    if not PathwayTemplate.objects.exists():
        pathway_defaults_load()


def demo_world_load() -> dict[str, User]:
    """The demo region on top of the base: its agencies, personas and contact persons,
    and its clients with their referrals, paths, assessments and plans. Idempotent, also
    over personas and agencies a test has already made with the factories."""
    base_world_load()
    agencies, users = seed_demo_agencies(password=DEMO_PASSWORD)
    seed_demo_cases(agencies=agencies, users=users)
    seed_demo_plans()
    return users


_original_fixture_teardown = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]


def _fixture_teardown(self: TransactionTestCase) -> None:
    """After a transactional test (live server, real worker): empty the database and load
    the base again. On PostgreSQL the rows are deleted in one transaction rather than
    Django's TRUNCATE of every table, which makes new files for all ~90 tables and took
    some four seconds a test; content types and permissions are left as they are, so
    the post_migrate signal need not make them again."""
    for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
        if connections[alias].vendor == "postgresql" and not self.serialized_rollback:
            _rows_delete(connections[alias])
        else:
            _original_fixture_teardown(self)
    base_world_load()


def _rows_delete(db: BaseDatabaseWrapper) -> None:
    kept = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = [
        table
        for table in db.introspection.django_table_names(only_existing=True, include_views=False)
        if table not in kept
    ]
    # Table names from Django's own introspection, quoted: nothing here comes from input.
    quote = db.ops.quote_name
    exists = ", ".join(f"EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)  # noqa: S608
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        cursor.execute(f"SELECT {exists}")
        filled = [table for table, rows in zip(tables, cursor.fetchone(), strict=True) if rows]
        # Foreign keys are checked at the commit, when the rows they point from are gone
        # too; the logs' append-only trigger lets retention's deletes through.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL polku.log_retention = 'on'")
        for table in filled:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        base_world_load()


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    fixtures = set(getattr(item, "fixturenames", ()))
    return marked or bool(fixtures & {"transactional_db", "live_server"})


@pytest.fixture(scope="module")
def module_world(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Callable[..., Any]]:
    """What a module's tests share, as Django's setUpTestData: the function this gives
    builds its argument's objects once, in a transaction of the module's own that each
    test's transaction nests in; it is rolled back after the module's last test."""
    for item in request.session.items:
        if getattr(item, "module", None) is request.module and _transactional(item):
            pytest.fail(f"{item.nodeid} commits: its module cannot have a module world")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()

    def build(make: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_db_blocker.unblock(), transaction.atomic():
            return make(*args, **kwargs)

    try:
        yield build
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _demo_module(module_world: Callable[..., Any]) -> dict[str, User]:
    users: dict[str, User] = module_world(demo_world_load)
    return users


@pytest.fixture
def demo(_demo_module: dict[str, User], db: None) -> dict[str, User]:
    """The whole demo region (tests/e2e has a variant for tests on a live server)."""
    return _demo_module


class Personas(Mapping[str, User]):
    """The demo's personas by username, each made (with its agencies) when first read,
    and the same object on every read after."""

    def __init__(self) -> None:
        self._read: dict[str, User] = {}

    def __getitem__(self, username: str) -> User:
        if username not in PERSONAS:
            raise KeyError(username)
        if username not in self._read:
            self._read[username] = user(username)
        return self._read[username]

    def __iter__(self) -> Iterator[str]:
        return iter(PERSONAS)

    def __len__(self) -> int:
        return len(PERSONAS)


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas()


@pytest.fixture
def login(personas: Personas) -> Callable[[str], Client]:
    """A test client logged in as the named persona."""

    def _login(username: str) -> Client:
        client = Client()
        client.force_login(personas[username])
        return client

    return _login


@pytest.fixture
def oulu(db: None) -> Municipality:
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

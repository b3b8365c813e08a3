"""A cache outage is never an error page: a real redis-server is started for the test,
killed, and login, search and the pages that read the cache go on (issue 12)."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.urls import reverse

from security.ratelimit import SEARCH, rate_limit_hit

from ..conftest import DEMO_PASSWORD
from ..factories import user

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server on this machine"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_cache(settings) -> Iterator[subprocess.Popen[bytes]]:
    """A redis-server of this test's own as the cache; the test may kill it."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(REDIS_SERVER),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "polku-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield server
    server.kill()
    server.wait()


def test_the_cache_works_while_its_server_runs(redis_cache):
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_login_search_and_pages_work_while_the_cache_is_down(redis_cache, client, personas, caplog):
    redis_cache.kill()
    redis_cache.wait()

    user("tym.oulu")
    login = client.post(reverse("login"), {"username": "tym.oulu", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    search = client.get(reverse("directory"), {"q": "Toivonen"})
    assert search.status_code == 200
    # The inbox names the data categories, which live in the cache.
    assert client.get(reverse("inbox")).status_code == 200
    assert "carrying on without it" in caplog.text


def test_the_rate_limit_lets_requests_through_without_its_counters(redis_cache, caplog):
    redis_cache.kill()
    redis_cache.wait()
    assert all(rate_limit_hit(rule=SEARCH, identity="someone") for _ in range(500))
    assert "not counted" in caplog.text

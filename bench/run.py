"""make bench: national-scale data on PostgreSQL, then server time and queries per page.

Usage: python bench/run.py [--clients N] [--referrals N] [--requests N]
DATABASE_URL must point at PostgreSQL; `make bench` uses a database of its own.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench.production import production_environment

production_environment()

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.util import random_hex

from agencies.models import Agency, User
from bench.worklist import worklist_fill, worklist_filled
from referrals.models import Referral
from security.models import AuthenticatorDevice
from security.sealing import seal


class StatementTimer:
    """The wall time of a request's SQL statements, from sending each to its result."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - began) * 1000


def measure(http: HttpClient, url: str, requests: int) -> tuple[float, float, float, int]:
    for _ in range(max(5, requests // 10)):
        assert http.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        http.get(url)
        times.append((time.perf_counter() - began) * 1000)
    # SQL time in a pass of its own, so the timer's few microseconds stay out of the above.
    sql_times = []
    for _ in range(max(20, requests // 4)):
        timer = StatementTimer()
        with connection.execute_wrapper(timer):
            http.get(url)
        sql_times.append(timer.ms)
    with CaptureQueriesContext(connection) as queries:
        http.get(url)
    times.sort()
    return (
        statistics.median(times),
        times[int(len(times) * 0.95) - 1],
        statistics.median(sql_times),
        len(queries),
    )


def logged_in(username: str) -> HttpClient:
    http = HttpClient()
    user = User.objects.get(username=username)
    http.force_login(user)
    # Production requires two-factor login: the session carries a verified device, as a
    # real one would after the code was entered.
    device, _created = AuthenticatorDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True, "key_sealed": seal(random_hex(20))}
    )
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--referrals", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (make bench does).")

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("load_defaults", verbosity=0)
    call_command("seed_demo", verbosity=0)
    if Referral.objects.count() < args.referrals:
        from bench.fill import analyze, fill

        print(f"Filling: {args.clients} clients, {args.referrals} referrals", flush=True)
        fill(clients=args.clients, referrals=args.referrals)
        analyze()
    if not worklist_filled():
        print("Filling: release and Kela paths, plans, outcomes, meetings", flush=True)
        worklist_fill()
        analyze()

    oulu = Agency.objects.get(employment_area__code="24")
    inbox_size = Referral.objects.filter(recipient_agency=oulu).exclude(status="draft").count()
    referral = (
        Referral.objects.filter(recipient_agency=oulu, status="accepted")
        .order_by("-sent_at")
        .first()
    )
    assert referral is not None
    http = logged_in("tym.oulu")
    pages = {
        "bare view (same middleware)": "/bench/bare/",
        "bare page (same middleware and layout)": "/bench/bare-page/",
        f"inbox, page 1 of {inbox_size} referrals": "/referrals/inbox/",
        "inbox, surname search (Korhonen)": "/referrals/inbox/?q=Korhonen",
        "inbox, part of a name (mäki)": "/referrals/inbox/?q=m%C3%A4ki",
        "inbox, release window and status": (
            "/referrals/inbox/?status=accepted&released_from=2026-01-01&released_until=2026-12-31"
        ),
        "referral page": f"/referrals/{referral.public_id}/",
        "client page": f"/clients/{referral.client.public_id}/",
        "worklist (Oulun seutu)": "/",
    }
    # The worklist of other agencies: the prison that started all 30,000 release paths,
    # and Kela with its 13,000 guidance paths.
    others = {
        "worklist (Oulu prison, all release paths)": ("rise.oulu", "/"),
        "worklist (Kela)": ("kela.pohjoinen", "/"),
    }
    print(
        f"\nPostgreSQL {connection.cursor().connection.info.server_version}, "
        f"{Referral.objects.count()} referrals, {args.requests} requests per page, "
        f"median and 95th percentile of server time in-process (Django test client)\n"
    )
    print("| page | median ms | p95 ms | SQL ms | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    # DEBUG off, as in production: no query log kept in memory.
    # The search rate limit is for people, not for a benchmark's 200 requests a minute.
    unlimited = {
        rule: (10**9, seconds) for rule, (_n, seconds) in settings.POLKU_RATE_LIMITS.items()
    }
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, POLKU_RATE_LIMITS=unlimited):
        results = {name: measure(http, url, args.requests) for name, url in pages.items()}
        for name, (username, url) in others.items():
            results[name] = measure(logged_in(username), url, args.requests)
    bare = results["bare view (same middleware)"][0]
    layout = results["bare page (same middleware and layout)"][0]
    for name, (median, p95, sql, queries) in results.items():
        ratio = (
            ""
            if name.startswith("bare")
            else f" ({median / bare:.1f}× bare, {median / layout:.1f}× bare page)"
        )
        print(f"| {name} | {median:.1f}{ratio} | {p95:.1f} | {sql:.1f} | {queries} |")


if __name__ == "__main__":
    main()

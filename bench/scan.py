"""make bench-scan: the reminder scan over 100,000 active cases on PostgreSQL.

Cases are written with SQL straight from the benchmark's releases (bench/run.py fills
them first), their anchor dates spread evenly over two years around today, and the
stages whose window has closed marked done, as case workers would have. The scan runs
once for yesterday, so that what was due before today is claimed, and is then measured
for today: wall time, statements, and the peak of memory allocated by Python.

Usage: python bench/scan.py [--cases N]
"""

import argparse
import os
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.production import production_environment

production_environment()

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import EmailDelivery, User
from notifications.models import Notification, ReminderClaim
from pathways.cases.selectors import template_latest
from pathways.models import Case, PathwayTemplate
from plans.reminders import reminders_scan_all
from referrals.models import Release

SPREAD_DAYS = 2 * 365


def cases_fill(*, cases: int) -> None:
    adult = template_latest(code=PathwayTemplate.ADULT_RELEASE)
    rise = User.objects.get(username="rise.oulu")
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO pathways_case (public_id, reference, client_id, template_id,
                release_id, started_by_id, started_by_user_id, status, anchor_date, outcome,
                outcome_note, created_at)
            SELECT gen_random_uuid(), 'S-' || lpad(upper(to_hex(r.id)), 8, '0'), r.client_id,
                %s, r.id, r.rise_unit_id, %s, 'active',
                %s::date - %s + (r.id %% %s)::int, '', '', now()
            FROM referrals_release r
            WHERE NOT EXISTS (SELECT 1 FROM pathways_case c WHERE c.release_id = r.id)
            ORDER BY r.id LIMIT %s
            """,
            [adult.pk, rise.pk, today, SPREAD_DAYS // 2, SPREAD_DAYS, cases],
        )
        # Stages: the Rise ones answered by the prison, the rest by the employment area of
        # the municipality after release; those whose window has closed are done.
        cursor.execute(
            """
            INSERT INTO pathways_casestage (case_id, stage_id, status, skip_reason,
                responsible_agency_id, responsible_person_id, updated_at)
            SELECT c.id, s.id,
                CASE WHEN c.anchor_date + s.window_end < %s THEN 'done' ELSE 'not_started' END,
                '',
                CASE WHEN s.responsible_kind LIKE 'rise%%' THEN c.started_by_id ELSE a.id END,
                NULL, now()
            FROM pathways_case c
            JOIN pathways_stagetemplate s ON s.template_id = c.template_id
            JOIN referrals_release r ON r.id = c.release_id
            JOIN agencies_municipality m ON m.id = r.municipality_after_id
            LEFT JOIN agencies_agency a
                ON a.employment_area_id = m.employment_area_id AND a.kind = 'employment_area'
            WHERE NOT EXISTS (SELECT 1 FROM pathways_casestage x WHERE x.case_id = c.id)
            """,
            [today],
        )
        cursor.execute("ANALYZE pathways_case")
        cursor.execute("ANALYZE pathways_casestage")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (make bench-scan does).")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("load_defaults", verbosity=0)
    call_command("seed_demo", verbosity=0)
    if Release.objects.count() < args.cases:
        from bench.fill import analyze, fill

        print("Filling the clients, releases and referrals of bench/run.py first", flush=True)
        fill(clients=200_000, referrals=500_000)
        analyze()
    missing = args.cases - Case.objects.filter(status="active").count()
    if missing > 0:
        began = time.perf_counter()
        cases_fill(cases=missing)
        print(f"Filled {missing} cases in {time.perf_counter() - began:.1f} s", flush=True)
    # The measurement is of the scan, not of e-mail: nobody wants e-mail here.
    User.objects.update(email_delivery=EmailDelivery.OFF)
    ReminderClaim.objects.all().delete()
    Notification.objects.all().delete()
    today = timezone.localdate()
    began = time.perf_counter()
    reminders_scan_all(today=today - timedelta(days=1))
    catch_up = time.perf_counter() - began
    before = Notification.objects.count()
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        made = reminders_scan_all(today=today)
    wall = time.perf_counter() - began
    # Again, for memory: tracing allocations slows Python down, so it is a run of its own.
    ReminderClaim.objects.filter(due_on=today).delete()
    Notification.objects.filter(due_on=today).delete()
    tracemalloc.start()
    reminders_scan_all(today=today)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    claims = ReminderClaim.objects.filter(due_on=today).count()
    active = Case.objects.filter(status="active").count()
    print(
        f"\nPostgreSQL {connection.cursor().connection.info.server_version}: {active} active "
        f"cases; scan for {today}: {claims} reminders due today, {made} notifications "
        f"({before} from the first, catch-up scan for yesterday, in {catch_up:.1f} s)\n"
    )
    print("| wall time s | statements | peak Python memory MB |")
    print("| ---: | ---: | ---: |")
    print(f"| {wall:.2f} | {len(queries)} | {peak / 1e6:.1f} |")


if __name__ == "__main__":
    main()

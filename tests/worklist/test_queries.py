"""The worklist's statements: the same number for 10 and for 500 items in every section,
at most 12 for the whole page, and one for the navigation's counts."""

import datetime

import pytest
from django.db import connection
from django.db.models import DateField, IntegerField, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from core.dates import add_months
from referrals.models import UseLogEntry
from worklist.selectors import SECTION_SIZE, WorklistCounts, worklist_counts
from worklist.sql import AddDays, AddMonths

from ..factories import agency, demo_cases, user
from .helpers import volume

pytestmark = pytest.mark.django_db
PAGE_MAX_QUERIES = 12


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and clients: the worklists the counts are kept for."""
    module_world(demo_cases)


def sections(response) -> dict[str, tuple[int, int]]:
    return {s.key: (len(s.items), s.total) for s in response.context["worklist"].sections}


def test_the_page_takes_the_same_statements_for_10_and_500_items(login):
    area = agency("tym-oulu")
    client = login("tym.oulu")
    volume(10, area=area)
    with CaptureQueriesContext(connection) as ten:
        few = client.get(reverse("home"))
    volume(490, area=area)
    logged = UseLogEntry.objects.count()
    with CaptureQueriesContext(connection) as five_hundred:
        many = client.get(reverse("home"))
    assert len(ten) <= PAGE_MAX_QUERIES
    assert len(five_hundred) == len(ten)
    # Every section holds at least 10 items, then at least 500 (250 follow-ups).
    for key, (shown, total) in sections(few).items():
        assert shown == min(SECTION_SIZE, total), key
        assert total >= (5 if key == "follow-ups" else 10), key
    for key, (shown, total) in sections(many).items():
        assert shown == SECTION_SIZE, key
        assert total >= (250 if key == "follow-ups" else 500), key
    # The page's clients are use-logged in one statement.
    assert UseLogEntry.objects.count() > logged
    inserts = [q["sql"] for q in five_hundred.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1


def test_the_navigation_counts_cost_one_statement_when_not_kept(login):
    area = agency("tym-oulu")
    volume(10, area=area)
    client = login("tym.oulu")
    client.cookies["polku_language"] = "en"
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as counted:
        page = client.get(reverse("directory")).content.decode()
    with CaptureQueriesContext(connection) as kept:
        client.get(reverse("directory"))
    assert len(counted) == len(kept) + 1
    counts = worklist_counts(user=user("tym.oulu"), agency=area, today=datetime.date.today())
    assert counts.total > 0
    assert f'<span class="badge" aria-hidden="true">{counts.total}</span>' in page
    assert f", {counts.total} items" in page
    assert f", {counts.overdue} overdue" in page


def test_the_navigation_counts_match_the_page(login):
    volume(10, area=agency("tym-oulu"))
    response = login("tym.oulu").get(reverse("home"))
    worklist = response.context["worklist"]
    counted = worklist_counts(
        user=user("tym.oulu"), agency=agency("tym-oulu"), today=datetime.date.today()
    )
    assert counted == worklist.counts
    assert counted.overdue > 0


def test_the_pages_after_login_find_the_counts_kept(client, personas):
    from tests.conftest import DEMO_PASSWORD

    client.post(reverse("login"), {"username": "tym.oulu", "password": DEMO_PASSWORD})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("directory"))
    assert response.context["worklist_counts"] != WorklistCounts()
    assert not [q for q in queries.captured_queries if "pathways_casestage" in q["sql"]]


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (datetime.date(2025, 1, 31), 1),
        (datetime.date(2024, 1, 31), 1),
        (datetime.date(2025, 8, 31), 3),
        (datetime.date(2025, 11, 30), 3),
        (datetime.date(2025, 3, 15), 12),
        (datetime.date(2024, 2, 29), 12),
    ],
)
def test_months_are_added_as_the_plans_count_them(personas, day, months):
    added = (
        Agency.objects.annotate(
            later=AddMonths(
                Value(day, output_field=DateField()), Value(months, output_field=IntegerField())
            )
        )
        .values_list("later", flat=True)
        .first()
    )
    assert added == add_months(day, months)


@pytest.mark.parametrize("days", [-90, -1, 0, 1, 30, 365])
def test_days_are_added(personas, days):
    day = datetime.date(2025, 12, 31)
    added = (
        Agency.objects.annotate(
            later=AddDays(
                Value(day, output_field=DateField()), Value(days, output_field=IntegerField())
            )
        )
        .values_list("later", flat=True)
        .first()
    )
    assert added == day + datetime.timedelta(days=days)

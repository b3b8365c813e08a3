"""The bell in the navigation: its count, and that it costs no query of its own."""

import copy
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from referrals.models import Referral

from ..factories import user
from .helpers import notify

pytestmark = pytest.mark.django_db


def inbox_before_notifications(request: HttpRequest) -> dict[str, object]:
    """referrals.context_processors.inbox as it was before the bell: the baseline."""
    acting = getattr(request, "acting", None)

    def count() -> int:
        if acting is None or acting.agency is None or not acting.works_with_clients:
            return 0
        return Referral.objects.filter(recipient_agency=acting.agency, status="sent").count()

    return {"inbox_unread": SimpleLazyObject(count)}


def templates_with_baseline_processor() -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = copy.deepcopy(settings.TEMPLATES)
    processors: list[str] = templates[0]["OPTIONS"]["context_processors"]
    processors[processors.index("referrals.context_processors.inbox")] = (
        f"{__name__}.inbox_before_notifications"
    )
    return templates


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def bell(page: str) -> str:
    match = re.search(r'<a class="bell".*?</a>', page, re.S)
    assert match, "no bell in the navigation"
    return match.group(0)


def test_the_bell_shows_the_unread_count(login):
    for _ in range(3):
        notify(user("tym.oulu"))
    notify(user("tym.oulu"), read=True)
    client = login("tym.oulu")
    client.cookies["polku_language"] = "en"
    response = client.get(reverse("home"))
    assert str(response.context["notifications_unread"]) == "3"
    link = bell(response.content.decode())
    assert f'href="{reverse("notification-list")}"' in link
    assert '<span class="badge" aria-hidden="true">3</span>' in link
    assert '<span class="visually-hidden">Notifications, 3 unread</span>' in link
    assert 'aria-hidden="true" focusable="false"' in link  # the icon is decoration


def test_no_count_when_nothing_is_unread(login):
    notify(user("tietosuoja"), read=True)
    client = login("tietosuoja")
    client.cookies["polku_language"] = "en"
    link = bell(client.get(reverse("home")).content.decode())
    assert "badge" not in link
    assert '<span class="visually-hidden">Notifications</span>' in link


def test_the_inbox_page_costs_the_same_queries_as_before_the_bell(
    login, django_assert_max_num_queries
):
    for _ in range(5):
        notify(user("tym.oulu"))
    client = login("tym.oulu")
    with override_settings(TEMPLATES=templates_with_baseline_processor()):
        before = queries_of(client, reverse("inbox"))
    with django_assert_max_num_queries(10):
        after = queries_of(client, reverse("inbox"))
    assert not [sql for sql in before if "notifications_notification" in sql]
    assert len(after) == len(before)
    # Both counts come from one query; no other query touches the notifications.
    counting = [sql for sql in after if "notifications_notification" in sql]
    assert len(counting) == 1
    assert "referrals_referral" in counting[0]


@pytest.mark.parametrize("username", ["tym.oulu", "tietosuoja"])
def test_the_navigation_query_count_does_not_grow_with_notifications(login, username):
    client = login(username)
    few = queries_of(client, reverse("home"))
    for _ in range(30):
        notify(user(username))
    many = queries_of(client, reverse("home"))
    assert len(many) == len(few)
    assert len([sql for sql in many if "notifications_notification" in sql]) == 1


def test_the_list_page_counts_unread_once(login):
    for _ in range(3):
        notify(user("rise.oulu"))
    sqls = queries_of(login("rise.oulu"), reverse("notification-list"))
    counts = [sql for sql in sqls if "notifications_notification" in sql and "COUNT" in sql]
    # One for the navigation (shared by the page's "you have n unread"), one for paging.
    assert len(counts) == 2

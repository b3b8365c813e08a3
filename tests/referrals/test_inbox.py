import datetime
from typing import Any

import pytest
from django.urls import reverse

from core.dates import today
from referrals.models import Client, Referral, ReferralStatus, UseLogEntry
from referrals.services import consent_record

from ..factories import (
    AcceptedReferralFactory,
    SentReferralFactory,
    agency,
    categories,
    demo_cases,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and clients, their referrals in every status."""
    module_world(demo_cases)


def rows(response) -> list[Any]:
    return list(response.context["page"].object_list)


def test_inbox_lists_what_reached_the_agency_newest_first(login):
    response = login("tym.oulu").get(reverse("inbox"))
    referrals = rows(response)
    assert {r.recipient_agency for r in referrals} == {agency("tym-oulu")}
    assert ReferralStatus.DRAFT not in {r.status for r in referrals}
    sent = [r.sent_at for r in referrals]
    assert sent == sorted(sent, reverse=True)
    assert "Tampere" not in {r.client.home_municipality.name_fi for r in referrals}


def test_tampere_sees_none_of_oulus_referrals(login):
    names = {r.client.last_name for r in rows(login("tym.tampere").get(reverse("inbox")))}
    assert names == {"Salo"}


def test_unread_count_in_the_navigation(login):
    response = login("tym.oulu").get(reverse("inbox"))
    unread = Referral.objects.filter(recipient_agency=agency("tym-oulu"), status="sent").count()
    assert str(response.context["inbox_unread"]) == str(unread) == "1"
    assert f'{unread}<span class="visually-hidden"> lukematonta</span>' in response.content.decode()


def test_filters(login):
    client = login("tym.oulu")
    assert {r.status for r in rows(client.get(reverse("inbox"), {"status": "accepted"}))} == {
        "accepted"
    }
    soon = (today() + datetime.timedelta(days=45)).isoformat()
    near = rows(client.get(reverse("inbox"), {"released_until": soon}))
    assert near
    assert all(r.release.expected_date <= today() + datetime.timedelta(days=45) for r in near)
    named = rows(client.get(reverse("inbox"), {"q": "lehto"}))
    assert [r.client.last_name for r in named] == ["Lehto"]
    mine = rows(client.get(reverse("inbox"), {"assigned_to": user("tym.oulu").pk}))
    assert {r.assigned_to for r in mine} == {user("tym.oulu")}
    by_release = rows(client.get(reverse("inbox"), {"order": "release"}))
    dates = [r.release.expected_date for r in by_release]
    assert dates == sorted(dates)


def test_name_search_matches_only_granted_identities(login):
    # Korhonen's referral was returned: Oulun seutu no longer sees his identity.
    response = login("tym.oulu").get(reverse("inbox"), {"q": "Korhonen"})
    assert rows(response) == []
    page_rows = login("tym.oulu").get(reverse("inbox")).context["rows"]
    returned = next(row for row in page_rows if row[0].status == "returned")
    assert returned[1] is False
    assert "Korhonen" not in login("tym.oulu").get(reverse("inbox")).content.decode()


def test_inbox_writes_a_use_log_row_per_client_shown(login):
    before = UseLogEntry.objects.count()
    response = login("tym.oulu").get(reverse("inbox"))
    shown = [row for row in response.context["rows"] if row[1]]
    assert UseLogEntry.objects.count() == before + len(shown)
    entry = UseLogEntry.objects.latest("pk")
    assert entry.purpose == "inbox"
    assert "identity" in entry.categories


def fill_inbox_to(count: int) -> None:
    received = Referral.objects.filter(recipient_agency=agency("tym-oulu")).exclude(status="draft")
    for _ in range(count - received.count()):
        SentReferralFactory()


def test_inbox_query_count_does_not_grow(login, django_assert_max_num_queries):
    client = login("tym.oulu")
    fill_inbox_to(10)
    # Each measured request follows one that fills the timed caches (navigation counts,
    # categories): filling the inbox can outlast their lifetime on a slow machine. A
    # capture's count is read at once: the next request empties the query log it reads.
    client.get(reverse("inbox"))
    with django_assert_max_num_queries(10) as ten:
        assert client.get(reverse("inbox")).context["page"].paginator.count == 10
    queries_at_ten = len(ten)
    fill_inbox_to(500)
    client.get(reverse("inbox"))
    with django_assert_max_num_queries(queries_at_ten) as five_hundred:
        response = client.get(reverse("inbox"))
    assert response.context["page"].paginator.count == 500
    assert len(five_hundred) == queries_at_ten


def test_client_page_query_count_does_not_grow(login, django_assert_max_num_queries):
    mikko = Client.objects.get(last_name="Mäkinen")
    url = reverse("client-detail", args=[mikko.public_id])
    # A recipient's eleven: session, user, memberships, client, categories with the
    # grants, the use log, releases, navigation counts, referrals, the client's paths,
    # change history. The recording agency sees every category (a cached copy, read on
    # the first page after a start) and also reads its consents, with their categories in
    # the same query.
    for username in ("tym.oulu", "rise.oulu"):
        client = login(username)
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(11) as before:
            assert client.get(url).status_code == 200
        for _ in range(5):
            AcceptedReferralFactory(client=mikko)
            consent_record(
                client=mikko,
                agency=agency("rise-prison"),
                user=user("rise.oulu"),
                recipient_agency=agency("kela"),
                recipient_kind="",
                categories=categories("identity", "service_needs"),
                given_on=today(),
                method="written",
                valid_until=None,
            )
        with django_assert_max_num_queries(len(before)):
            assert client.get(url).status_code == 200


def test_inbox_count_stops_at_the_cap(login, monkeypatch):
    """The count reads at most cap + 1 rows, whatever the inbox holds, and says so."""
    monkeypatch.setattr("core.paging.CappedPaginator.cap", 3)
    fill_inbox_to(10)
    response = login("tym.oulu").get(reverse("inbox"))
    paginator = response.context["page"].paginator
    assert paginator.capped
    assert paginator.count == 4
    assert "Yli 3 lähetettä" in response.content.decode()
    assert len(rows(response)) == 4

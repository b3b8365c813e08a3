"""The data protection officer's log pages: who may open them, what they hold, the filters,
and a query count that does not grow with the log."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership, Role
from referrals.clients.identity import hetu_make
from referrals.models import Client, DisclosureLogEntry, LogPurpose, UseLogEntry
from referrals.services import use_log_write

from ..conftest import PERSONAS
from ..factories import agency, jari_case, mikko_case, user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """Mikko and Jari as the demo has them, both referred to Oulun seutu under §28."""
    module_world(mikko_case)
    module_world(jari_case)


LOG_PAGES = ("dpo-use-log", "dpo-disclosure-log")
MIKKO_HETU = hetu_make(datetime.date(1985, 3, 14), 231)


def mikko() -> Client:
    return mikko_case().client


def jari() -> Client:
    return jari_case().client


def look(username: str, client: Client, *, purpose: str = LogPurpose.CLIENT_RECORD) -> None:
    """A use-log row as the client's page writes it."""
    person = user(username)
    use_log_write(
        user=person,
        agency=person.memberships.order_by("pk").first().agency,
        clients=[(client, ["identity"])],
        purpose=purpose,
        path=f"/clients/{client.public_id}/",
    )


def rows(response) -> list[UseLogEntry | DisclosureLogEntry]:
    return [entry for entry, _categories, _purpose in response.context["rows"]]


@pytest.mark.parametrize("username", [p for p in PERSONAS if p != "tietosuoja"])
def test_only_the_data_protection_officer_opens_the_log_pages(login, username):
    client = login(username)
    for name in LOG_PAGES:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("dpo-client-report", args=[mikko().public_id])).status_code == 403


def test_a_dpo_role_in_another_agency_does_not_open_them_for_the_acting_one(login):
    """The role counts in the agency the user acts for, not in any of their agencies."""
    tiina = user("tym.oulu")
    Membership.objects.create(
        user=tiina, agency=agency("hva-pohjois"), role=Role.DATA_PROTECTION_OFFICER
    )
    client = login("tym.oulu")
    assert client.get(reverse("dpo-use-log")).status_code == 403
    client.post(reverse("acting-agency-set"), {"agency": str(agency("hva-pohjois").public_id)})
    assert client.get(reverse("dpo-use-log")).status_code == 200


def test_the_use_log_holds_the_dpos_own_agency_only(login):
    look("tym.oulu", mikko())
    look("rise.oulu", mikko())
    page = login("tietosuoja").get(reverse("dpo-use-log"))
    assert page.status_code == 200
    assert {entry.agency_id for entry in rows(page)} == {agency("tym-oulu").pk}
    assert {entry.username for entry in rows(page)} >= {"tym.oulu"}


def test_the_disclosure_log_holds_what_the_agency_disclosed_or_received(login):
    page = login("tietosuoja").get(reverse("dpo-disclosure-log"))
    oulu = agency("tym-oulu").pk
    shown = rows(page)
    assert shown
    assert all(oulu in {e.discloser_agency_id, e.recipient_agency_id} for e in shown)
    expected = DisclosureLogEntry.objects.filter(recipient_agency_id=oulu).count()
    assert len(shown) == expected
    # Mikko's consent to the wellbeing county is not Oulun seutu's business.
    assert not [e for e in shown if e.recipient_agency == agency("hva-pohjois")]


def test_looking_at_the_log_is_itself_logged_as_supervision(login):
    look("tym.oulu", mikko())
    dpo = login("tietosuoja")
    before = UseLogEntry.objects.filter(purpose=LogPurpose.SUPERVISION).count()
    page = dpo.get(reverse("dpo-disclosure-log"))
    clients = {entry.client_id for entry in rows(page)}
    supervision = UseLogEntry.objects.filter(purpose=LogPurpose.SUPERVISION)
    assert supervision.count() == before + len(clients)
    entry = supervision.latest("pk")
    assert entry.username == "tietosuoja"
    assert entry.agency == agency("tym-oulu")
    assert entry.categories == ["identity"]
    assert entry.path == reverse("dpo-disclosure-log")


def test_filter_by_identity_code_is_posted_and_redirects_to_the_client(login):
    look("tym.oulu", mikko())
    look("tym.oulu", jari())
    dpo = login("tietosuoja")
    response = dpo.post(reverse("dpo-use-log"), {"lookup-hetu": MIKKO_HETU.lower()})
    assert response.status_code == 302
    assert MIKKO_HETU not in response["Location"]
    assert response["Location"] == f"{reverse('dpo-use-log')}?client={mikko().public_id}"
    page = dpo.get(response["Location"])
    assert {entry.client for entry in rows(page)} == {mikko()}
    assert page.context["one_client"] == mikko()
    assert MIKKO_HETU not in page.content.decode()


def test_an_unknown_or_invalid_code_is_an_error_on_the_field_and_not_echoed(login):
    dpo = login("tietosuoja")
    salo = hetu_make(datetime.date(1988, 9, 12), 402)  # Laura Salo: Tampere's client
    for code, error in (("131052-308U", "invalid_hetu"), (salo, "not_in_logs")):
        page = dpo.post(reverse("dpo-disclosure-log"), {"lookup-hetu": code})
        assert page.status_code == 400
        assert page.context["lookup"].has_error("hetu", error)
        assert code not in page.content.decode()


def test_filter_by_name_user_purpose_and_agency(login):
    look("tym.oulu", mikko())
    look("koordinaattori.oulu", jari(), purpose="case_work")
    dpo = login("tietosuoja")
    use_log = reverse("dpo-use-log")

    by_name = rows(dpo.get(use_log, {"name": "mäkinen"}))
    assert by_name
    assert {e.client for e in by_name} == {mikko()}
    by_user = rows(dpo.get(use_log, {"person": "koordinaattori"}))
    assert {e.username for e in by_user} == {"koordinaattori.oulu"}
    by_full_name = rows(dpo.get(use_log, {"person": "Kaisa Koskela"}))
    assert {e.username for e in by_full_name} == {"koordinaattori.oulu"}
    by_purpose = rows(dpo.get(use_log, {"purpose": "case_work"}))
    assert {e.purpose for e in by_purpose} == {"case_work"}

    disclosures = reverse("dpo-disclosure-log")
    hva = agency("hva-pohjois")
    assert rows(dpo.get(disclosures, {"agency": hva.pk})) == []
    prison = rows(dpo.get(disclosures, {"agency": agency("rise-prison").pk}))
    assert prison
    assert {e.discloser_agency for e in prison} == {agency("rise-prison")}
    assert rows(dpo.get(disclosures, {"person": "rise.oulu"})) == rows(dpo.get(disclosures))


def test_filter_by_date_range_in_finnish_days(login):
    helsinki_midnight = timezone.make_aware(datetime.datetime(2026, 6, 10, 0, 30))
    with time_machine.travel(helsinki_midnight, tick=False):
        look("tym.oulu", mikko())
    with time_machine.travel(helsinki_midnight + datetime.timedelta(days=2), tick=False):
        look("tym.oulu", mikko())
    dpo = login("tietosuoja")
    url = reverse("dpo-use-log")
    # 00:30 in Helsinki is still the 9th in UTC: the filter counts Finnish days.
    on_the_tenth = rows(dpo.get(url, {"date_from": "2026-06-10", "date_until": "2026-06-10"}))
    assert [timezone.localtime(e.at).date() for e in on_the_tenth] == [datetime.date(2026, 6, 10)]
    assert len(rows(dpo.get(url, {"date_from": "2026-06-10", "date_until": "2026-06-12"}))) == 2
    inverted = dpo.get(url, {"date_from": "2026-06-12", "date_until": "2026-06-10"})
    assert inverted.context["filter"].form.has_error("date_until")
    assert rows(inverted) == []


def test_the_log_pages_take_the_same_number_of_queries_however_long_the_log(login):
    dpo = login("tietosuoja")
    dpo.get(reverse("dpo-use-log"))  # warm up the session
    for name in LOG_PAGES:
        look("tym.oulu", mikko())
        with CaptureQueriesContext(connection) as few:
            assert dpo.get(reverse(name)).status_code == 200
        niskanen = jari()
        for client in Client.objects.all():
            look("tym.oulu", client)
            look("koordinaattori.oulu", niskanen)
        with CaptureQueriesContext(connection) as many:
            page = dpo.get(reverse(name))
        assert len(rows(page)) >= 1
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_use_log_page_is_paginated_and_capped(login, monkeypatch):
    monkeypatch.setattr("dpo.views.PAGE_SIZE", 3)
    monkeypatch.setattr("core.paging.CappedPaginator.cap", 5)
    for _ in range(8):
        look("tym.oulu", mikko())
    dpo = login("tietosuoja")
    first = dpo.get(reverse("dpo-use-log"), {"name": "Mäkinen"})
    assert len(rows(first)) == 3
    assert first.context["page"].paginator.capped
    query = first.context["query_string"]
    assert "name=M%C3%A4kinen" in query
    # The DPO's own supervision rows, written meanwhile, do not shift the pages.
    second = dpo.get(f"{reverse('dpo-use-log')}?{query}&page=2")
    assert len(rows(second)) == 3
    assert not {e.pk for e in rows(first)} & {e.pk for e in rows(second)}
    assert all(e.purpose == LogPurpose.CLIENT_RECORD for e in [*rows(first), *rows(second)])


def test_the_navigation_offers_the_logs_to_the_dpo_only(login):
    link = f'href="{reverse("dpo-use-log")}"'
    for username in PERSONAS:
        page = login(username).get(reverse("home")).content.decode()
        assert (link in page) is (username == "tietosuoja"), username

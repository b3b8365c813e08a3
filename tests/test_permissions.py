"""Every persona against every URL, the URLs generated from the URLconf.

A new view fails this test until its expected outcome for every persona is written
down here, so that no page can be added without deciding who may see it.
"""

from typing import Any

import pytest
from django.urls import reverse

from agencies.models import ContactPerson
from pathways.models import Case
from referrals.models import Client, Consent, Referral

from .conftest import PERSONAS
from .factories import agency
from .urlwalk import all_routes

pytestmark = [pytest.mark.django_db, pytest.mark.permissions]

OK, REDIRECT, FORBIDDEN, NOT_FOUND, POST_ONLY = 200, 302, 403, 404, 405
EVERYONE = dict.fromkeys(PERSONAS, OK)


def only(allowed: dict[str, int], otherwise: int) -> dict[str, int]:
    return {persona: allowed.get(persona, otherwise) for persona in PERSONAS}


CLIENT_WORKERS = (
    "rise.oulu",
    "tym.oulu",
    "tym.tampere",
    "koordinaattori.oulu",
    "hva.pohjois",
    "kela.pohjoinen",
    "priima.butti",
)
# Mikko Mäkinen, recorded by Oulu prison: §28 to Oulun seutu, consent to the wellbeing county.
MIKKO_VISIBLE = only(
    {
        "rise.oulu": OK,
        "tym.oulu": OK,
        "koordinaattori.oulu": OK,
        "hva.pohjois": OK,
        "tietosuoja": FORBIDDEN,
        "admin": FORBIDDEN,
    },
    NOT_FOUND,
)
EXPECTED: dict[str, dict[str, int]] = {
    "home": EVERYONE,
    "directory": EVERYONE,
    "agency-detail": EVERYONE,
    "contact-person-new": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "contact-person-edit": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "contact-person-remove": dict.fromkeys(PERSONAS, POST_ONLY),
    "acting-agency-set": dict.fromkeys(PERSONAS, POST_ONLY),
    "login": dict.fromkeys(PERSONAS, REDIRECT),
    "logout": dict.fromkeys(PERSONAS, POST_ONLY),
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    "set_language": dict.fromkeys(PERSONAS, REDIRECT),
    "healthz": EVERYONE,
    "client-detail": MIKKO_VISIBLE,
    "consent-new": only({"rise.oulu": OK, "tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, NOT_FOUND),
    "consent-withdraw": dict.fromkeys(PERSONAS, POST_ONLY),
    "referral-new": MIKKO_VISIBLE,
    "inbox": only({"tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, OK),
    "outbox": only({"tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, OK),
    # Mikko's §28 referral: only the two parties to it.
    "referral-detail": only(
        {
            "rise.oulu": OK,
            "tym.oulu": OK,
            "koordinaattori.oulu": OK,
            "tietosuoja": FORBIDDEN,
            "admin": FORBIDDEN,
        },
        NOT_FOUND,
    ),
    "referral-move": dict.fromkeys(PERSONAS, POST_ONLY),
    "case-list": only({"rise.oulu": OK}, FORBIDDEN),
    "release-new": only({"rise.oulu": OK}, FORBIDDEN),
    "case-detail": MIKKO_VISIBLE,
}

# What each persona sees of Mikko on his page: the law's and the consent's categories.
MIKKO_CATEGORIES = {
    "rise.oulu": {
        "identity",
        "contact",
        "release",
        "sentence",
        "health",
        "service_needs",
        "employment_plan",
    },
    "tym.oulu": {"identity", "release", "health", "service_needs"},
    "koordinaattori.oulu": {"identity", "release", "health", "service_needs"},
    "hva.pohjois": {"identity", "service_needs"},
}


def objects() -> dict[str, Any]:
    mikko = Client.objects.get(last_name="Mäkinen")
    return {
        "client": mikko,
        "consent": Consent.objects.get(client=mikko),
        "referral": Referral.objects.get(client=mikko, recipient_agency=agency("tym-oulu")),
        "case": Case.objects.get(client=mikko),
        "agency": agency("tym-oulu"),
        "contact": ContactPerson.objects.get(agency=agency("tym-oulu"), topic__code="rise"),
    }


def url_for(name: str, objs: dict[str, Any]) -> str:
    key = {
        "client-detail": "client",
        "consent-new": "client",
        "referral-new": "client",
        "consent-withdraw": "consent",
        "referral-detail": "referral",
        "referral-move": "referral",
        "case-detail": "case",
        "agency-detail": "agency",
        "contact-person-edit": "contact",
        "contact-person-remove": "contact",
    }.get(name)
    if key is None:
        return reverse(name)
    args: list[Any] = [objs[key].public_id]
    if name == "referral-move":
        args.append("accept")
    return reverse(name, args=args)


ROUTES = [route.name for route in all_routes()]


def test_every_url_has_an_expectation():
    assert sorted(ROUTES) == sorted(EXPECTED)


@pytest.mark.parametrize("username", PERSONAS)
def test_persona_against_every_url(login, username):
    client = login(username)
    objs = objects()
    got = {name: client.get(url_for(name, objs)).status_code for name in ROUTES}
    assert got == {name: EXPECTED[name][username] for name in ROUTES}


@pytest.mark.parametrize("username", sorted(MIKKO_CATEGORIES))
def test_each_agency_sees_only_its_categories_of_mikko(login, username):
    mikko = objects()["client"]
    for url in (
        reverse("client-detail", args=[mikko.public_id]),
        reverse("case-detail", args=[objects()["case"].public_id]),
    ):
        card = login(username).get(url).context["card"]
        assert {s.code for s in card if s.visible} == MIKKO_CATEGORIES[username]


def test_tampere_and_priima_see_nothing_of_oulus_clients(login):
    oulu_clients = Client.objects.exclude(last_name="Salo")
    for username in ("tym.tampere", "priima.butti"):
        client = login(username)
        for oulu_client in oulu_clients:
            assert (
                client.get(reverse("client-detail", args=[oulu_client.public_id])).status_code
                == 404
            )
        for referral in Referral.objects.filter(client__in=oulu_clients):
            assert (
                client.get(reverse("referral-detail", args=[referral.public_id])).status_code == 404
            )
        for case in Case.objects.filter(client__in=oulu_clients):
            assert client.get(reverse("case-detail", args=[case.public_id])).status_code == 404
        inbox = client.get(reverse("inbox")).context["page"].object_list
        assert not {r.client for r in inbox} & set(oulu_clients)


def test_navigation_offers_client_pages_only_to_client_work_roles(login):
    for username, shown in (("tym.oulu", True), ("tietosuoja", False), ("admin", False)):
        page = login(username).get(reverse("home")).content.decode()
        assert (f'href="{reverse("inbox")}"' in page) is shown, username
    rise = login("rise.oulu").get(reverse("home")).content.decode()
    assert f'href="{reverse("case-list")}"' in rise

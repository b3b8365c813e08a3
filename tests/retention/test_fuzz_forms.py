"""Fuzzing the forms that take identity codes, dates and free text, through the test
client: whatever is posted, the answer is never a server error, and a form either saves
everything it should or nothing at all."""

import datetime
import string
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.models import Agency, Municipality
from pathways.models import Case
from referrals.clients.identity import CHECK_CHARACTERS, hetu_make
from referrals.models import Client, Consent, DataCategory, LegalBasis, Referral, Release

from ..factories import demo_people, jari_case, mikko_case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, Mikko and Jari."""
    module_world(demo_people)
    module_world(mikko_case)
    module_world(jari_case)


FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MODELS = (Client, Release, Case, Consent, Referral)

# Any text a browser or a script could send: unicode, control characters, NUL, RTL marks.
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
huge = st.builds(lambda s, n: (s or "x") * n, st.text(max_size=3), st.integers(2_000, 60_000))
free_text = st.one_of(text, huge, st.just(""), st.sampled_from(["<script>", "' OR 1=1 --"]))


@st.composite
def valid_hetu(draw: st.DrawFn) -> str:
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2024, 12, 31)))
    return hetu_make(born, draw(st.integers(2, 899)))


@st.composite
def near_valid_hetu(draw: st.DrawFn) -> str:
    chars = list(draw(valid_hetu()))
    spot = draw(st.integers(0, len(chars) - 1))
    chars[spot] = draw(st.sampled_from(string.digits + CHECK_CHARACTERS + "-+ABCDEFUVWXYZ "))
    code = "".join(chars)
    variant: str = draw(st.sampled_from([code, code.lower(), f" {code} ", code[:-1], code + "X"]))
    return variant


hetu = st.one_of(valid_hetu(), near_valid_hetu(), text, st.just(""))


def day(value: datetime.date) -> str:
    return value.isoformat()


dates = st.one_of(
    st.dates().map(day),
    st.dates(datetime.date(2020, 1, 1), datetime.date(2032, 12, 31)).map(day),
    st.sampled_from(["0000-01-01", "2026-02-30", "99999-01-01", "-1-01-01", "1.2.2026", ""]),
    text,
)


def pk_or_junk(pks: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([str(pk) for pk in pks]),
        st.integers(-(2**70), 2**70).map(str),
        text,
    )


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def changes(before: dict[str, int]) -> dict[str, int]:
    after = counts()
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def post(client: Any, url: str, data: dict[str, Any]) -> int:
    status: int = client.post(url, data).status_code
    assert status in {200, 302}, status
    return status


@pytest.fixture
def mikko(personas) -> Client:
    return mikko_case().client


@pytest.fixture
def choices(personas) -> dict[str, list[int]]:
    return {
        "municipalities": list(
            Municipality.objects.filter(name_fi__in=["Oulu", "Tampere", "Ii"]).values_list(
                "pk", flat=True
            )
        ),
        "agencies": list(Agency.objects.values_list("pk", flat=True)[:8]),
        "categories": list(DataCategory.objects.values_list("pk", flat=True)),
        "bases": list(LegalBasis.objects.values_list("pk", flat=True)),
    }


def test_release_form(login: Callable[[str], Any], choices: dict[str, list[int]]) -> None:
    rise = login("rise.oulu")
    url = reverse("release-new")

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {
                "hetu": hetu,
                "birth_date": dates,
                "first_name": free_text,
                "last_name": free_text,
                "home_municipality": pk_or_junk(choices["municipalities"]),
                "mother_tongue": st.sampled_from(["fi", "sv", "rom", "xx", ""]),
                "service_language": st.sampled_from(["fi", "sv", "en", "se"]),
                "phone": free_text,
                "email": st.one_of(st.emails(), text),
                "address": free_text,
                "address_protected": st.sampled_from(["", "on", "1", "\x00"]),
                "rise_unit": pk_or_junk(choices["agencies"]),
                "expected_date": dates,
                "release_type": st.sampled_from(["conditional", "full_term", "parole", ""]),
                "municipality_after": pk_or_junk(choices["municipalities"]),
                "submission_key": st.one_of(st.uuids().map(str), text),
            }
        )
    )
    def check(data: dict[str, Any]) -> None:
        before = counts()
        post(rise, url, data)
        changed = changes(before)
        assert changed in ({}, {"Release": 1, "Case": 1}, {"Client": 1, "Release": 1, "Case": 1})

    check()


def test_consent_form(
    login: Callable[[str], Any], mikko: Client, choices: dict[str, list[int]]
) -> None:
    rise = login("rise.oulu")
    url = reverse("consent-new", args=[mikko.public_id])

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {
                "recipient_agency": st.one_of(st.just(""), pk_or_junk(choices["agencies"])),
                "recipient_kind": st.sampled_from(["", "kela", "ngo", "nope"]),
                "categories": st.lists(pk_or_junk(choices["categories"]), max_size=4),
                "given_on": dates,
                "method": st.sampled_from(["written", "oral", "telepathy"]),
                "valid_until": dates,
                "submission_key": st.one_of(st.uuids().map(str), text),
            }
        )
    )
    def check(data: dict[str, Any]) -> None:
        before = counts()
        post(rise, url, data)
        assert changes(before) in ({}, {"Consent": 1})

    check()


def test_referral_form(
    login: Callable[[str], Any], mikko: Client, choices: dict[str, list[int]]
) -> None:
    rise = login("rise.oulu")
    url = reverse("referral-new", args=[mikko.public_id])
    release = str(Release.objects.filter(client=mikko).values_list("public_id", flat=True)[0])

    @FUZZ
    @given(
        data=st.fixed_dictionaries(
            {
                "recipient_agency": pk_or_junk(choices["agencies"]),
                "recipient_person": st.one_of(st.just(""), pk_or_junk([1, 2, 3])),
                "basis": pk_or_junk(choices["bases"]),
                "categories": st.lists(pk_or_junk(choices["categories"]), max_size=5),
                "message": free_text,
                "submission_key": st.one_of(st.uuids().map(str), text),
                "release": st.one_of(st.just(release), st.just(""), st.uuids().map(str), text),
            }
        ),
        draft=st.booleans(),
    )
    def check(data: dict[str, Any], draft: bool) -> None:
        if draft:
            data = {**data, "draft": "1"}
        before = counts()
        post(rise, url, data)
        assert changes(before) in ({}, {"Referral": 1})

    check()


def test_kela_guidance_start(login: Callable[[str], Any]) -> None:
    kela = login("kela.pohjoinen")
    jari = jari_case().client  # Kela has §27 access to him
    url = reverse("kela-guidance-start", args=[jari.public_id])

    @FUZZ
    @given(instructed_on=dates, extra=free_text)
    def check(instructed_on: str, extra: str) -> None:
        before = counts()
        post(kela, url, {"instructed_on": instructed_on, "note": extra})
        # The first valid date starts the path; a second start returns the same one.
        assert changes(before) in ({}, {"Case": 1})

    check()


def test_the_strategies_reach_valid_and_invalid_codes() -> None:
    """The identity-code strategy is not all noise: it yields codes the form accepts."""
    from django.core.exceptions import ValidationError

    from referrals.clients.identity import hetu_normalise

    seen = {"valid": 0, "invalid": 0}

    @settings(max_examples=60, deadline=None, database=None)
    @given(code=hetu)
    def check(code: str) -> None:
        try:
            hetu_normalise(code)
        except ValidationError:
            seen["invalid"] += 1
        else:
            seen["valid"] += 1

    check()
    assert seen["valid"]
    assert seen["invalid"]

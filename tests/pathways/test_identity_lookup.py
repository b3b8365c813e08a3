"""The release form's answer that an identity code belongs to another agency's client is
use-logged and rate-limited per user; the service keeps the rule too (issue 12)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Municipality
from core.dates import today
from pathways.cases.services import release_case_start
from referrals.clients.identity import decrypt
from referrals.models import LogPurpose, ReleaseType, UseLogEntry

from ..factories import agency, demo_people, salo_case, user
from .test_release import form

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and Laura Salo, Tampere's client."""
    module_world(demo_people)
    module_world(salo_case)


def office_client(login):
    """rise.oulu acting for the community sanctions office, which cannot see Laura Salo
    (recorded by Oulu prison)."""
    client = login("rise.oulu")
    client.post(reverse("acting-agency-set"), {"agency": agency("rise-office").public_id})
    return client


def test_the_answer_about_another_agencys_client_is_use_logged(login):
    salo = salo_case().client
    before = UseLogEntry.objects.filter(client=salo).count()
    response = office_client(login).post(
        reverse("release-new"), form(hetu=decrypt(salo.hetu_encrypted))
    )
    assert response.status_code == 200
    assert "hetu" in response.context["form"].errors
    entry = UseLogEntry.objects.filter(client=salo).order_by("-pk").first()
    assert UseLogEntry.objects.filter(client=salo).count() == before + 1
    assert (entry.purpose, entry.agency, entry.user, entry.categories) == (
        LogPurpose.IDENTITY_LOOKUP,
        agency("rise-office"),
        user("rise.oulu"),
        ["identity"],
    )


def test_identity_codes_typed_into_the_release_form_are_limited_per_user(login, settings):
    settings.POLKU_RATE_LIMITS = {**settings.POLKU_RATE_LIMITS, "identity-lookup": (2, 3600)}
    salo = salo_case().client
    client = office_client(login)
    codes = [decrypt(salo.hetu_encrypted)] * 3
    statuses = [client.post(reverse("release-new"), form(hetu=code)).status_code for code in codes]
    assert statuses == [200, 200, 429]
    # A form without an identity code asks nothing and is not counted.
    no_code = client.post(reverse("release-new"), form(hetu="", birth_date="1975-04-04"))
    assert no_code.status_code in (200, 302)


def test_the_service_refuses_another_agencys_client(personas):
    salo = salo_case().client
    with pytest.raises(ValidationError) as error:
        release_case_start(
            agency=agency("rise-office"),
            user=user("rise.oulu"),
            client=salo,
            rise_unit=agency("rise-office"),
            expected_date=today() + datetime.timedelta(days=60),
            release_type=ReleaseType.CONDITIONAL,
            municipality_after=Municipality.objects.get(name_fi="Oulu"),
        )
    assert [e.code for e in error.value.error_dict["hetu"]] == ["not_yours"]
    assert salo.releases.count() == 1

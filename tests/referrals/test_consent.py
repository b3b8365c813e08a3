import datetime
import uuid

import pytest
from django.urls import reverse

from referrals.models import AccessGrant, Consent, Referral

from ..factories import agency, categories, demo_people, mikko_case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and Mikko, who consented to the wellbeing services county."""
    module_world(demo_people)
    module_world(mikko_case)


def mikko_referral_to_hva() -> Referral:
    return Referral.objects.get(client=mikko_case().client, recipient_agency=agency("hva-pohjois"))


def test_hva_sees_only_the_consented_categories(login):
    referral = mikko_referral_to_hva()
    response = login("hva.pohjois").get(reverse("client-detail", args=[referral.client.public_id]))
    assert response.status_code == 200
    visible = {s.code for s in response.context["card"] if s.visible}
    assert visible == {"identity", "service_needs"}
    assert referral.client.address not in response.content.decode()


def test_withdrawing_consent_revokes_access_at_once(login):
    referral = mikko_referral_to_hva()
    consent = Consent.objects.get(client=referral.client)
    hva = login("hva.pohjois")
    url = reverse("client-detail", args=[referral.client.public_id])
    assert hva.get(url).status_code == 200
    response = login("rise.oulu").post(reverse("consent-withdraw", args=[consent.public_id]))
    assert response.status_code == 302
    assert hva.get(url).status_code == 404
    assert hva.get(reverse("referral-detail", args=[referral.public_id])).context["card"] is None
    grant = AccessGrant.objects.get(consent=consent)
    assert grant.revoked_at is not None
    assert grant.revoke_reason == "suostumus peruttu"
    # Kela's §27 access to another client and Oulun seutu's §28 access are untouched.
    assert AccessGrant.objects.filter(
        agency=agency("tym-oulu"), client=referral.client, revoked_at=None
    ).exists()


def test_owner_records_consent_and_others_cannot(login):
    client = mikko_referral_to_hva().client
    url = reverse("consent-new", args=[client.public_id])
    assert login("tym.oulu").get(url).status_code == 404
    assert login("hva.pohjois").get(url).status_code == 404
    rise = login("rise.oulu")
    data = {
        "recipient_agency": agency("priima").pk,
        "recipient_kind": "",
        "categories": [c.pk for c in client.consents.get().categories.all()],
        "given_on": datetime.date.today().isoformat(),
        "method": "written",
        "valid_until": "",
        "submission_key": str(uuid.uuid4()),
    }
    assert rise.post(url, data).status_code == 302
    assert client.consents.filter(recipient_agency=agency("priima")).exists()


def test_consent_form_errors_are_on_the_fields_and_nothing_is_saved(login):
    client = mikko_referral_to_hva().client
    before = Consent.objects.count()
    rise = login("rise.oulu")
    response = rise.post(
        reverse("consent-new", args=[client.public_id]),
        {
            "recipient_agency": agency("priima").pk,
            "recipient_kind": "ngo",
            "given_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            "method": "written",
            "valid_until": "",
            "submission_key": str(uuid.uuid4()),
        },
    )
    errors = response.context["form"].errors
    assert "recipient_agency" in errors
    assert "categories" in errors
    assert Consent.objects.count() == before
    response = rise.post(
        reverse("consent-new", args=[client.public_id]),
        {
            "recipient_agency": agency("priima").pk,
            "categories": [categories("identity")[0].pk],
            "given_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            "method": "written",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.context["form"].errors["given_on"]
    assert Consent.objects.count() == before


def test_the_same_consent_form_twice_records_one_consent(login):
    client = mikko_referral_to_hva().client
    data = {
        "recipient_agency": agency("kela").pk,
        "recipient_kind": "",
        "categories": [client.consents.get().categories.first().pk],
        "given_on": datetime.date.today().isoformat(),
        "method": "oral",
        "valid_until": "",
        "submission_key": "3f1c2a4e-0d7b-4a8e-9c55-2b6f0a1d9e77",
    }
    rise = login("rise.oulu")
    url = reverse("consent-new", args=[client.public_id])
    assert rise.post(url, data).status_code == 302
    assert rise.post(url, data).status_code == 302
    assert client.consents.filter(recipient_agency=agency("kela")).count() == 1

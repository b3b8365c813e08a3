"""An agency administrator issues activation codes and resets the two-factor login of
their own agency's members in Polku, not only a superuser in the Django admin."""

import pytest
from django.urls import reverse

from agencies.models import Membership, Role, User
from security.models import ActivationCode, AuthenticatorDevice, TwoFactorEvent
from security.sealing import seal
from security.services import activation_code_valid

from ..factories import agency, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(personas) -> User:
    """An agency administrator of Oulun seutu, acting for it."""
    person = User.objects.create_user(
        username="paakayttaja.oulu", first_name="Pää", last_name="Käyttäjä"
    )
    Membership.objects.create(user=person, agency=agency("tym-oulu"), role=Role.AGENCY_ADMIN)
    return person


def as_keeper(client, keeper):
    client.force_login(keeper)
    return client


def test_the_agency_administrator_issues_a_code_that_works_once(client, keeper):
    tiina = user("tym.oulu")
    page = as_keeper(client, keeper).get(reverse("agency-people"))
    assert page.status_code == 200
    assert tiina.display_name in page.content.decode()
    assert user("tym.tampere").display_name not in page.content.decode()

    response = client.post(reverse("agency-person-code", args=[tiina.public_id]))
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert activation_code_valid(user=tiina, code=code) is not None
    row = ActivationCode.objects.get(user=tiina, used_at=None, revoked_at=None)
    assert code.replace("-", "") not in row.code_hash
    assert TwoFactorEvent.objects.filter(user=tiina, actor=keeper).exists()


def test_the_agency_administrator_resets_a_members_device(client, keeper):
    tiina = user("tym.oulu")
    AuthenticatorDevice.objects.create(
        user=tiina, name="phone", confirmed=True, key_sealed=seal("00" * 20)
    )
    response = as_keeper(client, keeper).post(
        reverse("agency-person-reset", args=[tiina.public_id])
    )
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=tiina).exists()


def test_a_member_of_another_agency_is_not_found(client, keeper):
    other = user("tym.tampere")
    as_keeper(client, keeper)
    for name in ("agency-person-code", "agency-person-reset"):
        assert client.post(reverse(name, args=[other.public_id])).status_code == 404
    assert not ActivationCode.objects.filter(user=other).exists()


@pytest.mark.parametrize("username", ["tym.oulu", "koordinaattori.oulu", "tietosuoja", "admin"])
def test_only_an_agency_administrator_has_the_page(login, username):
    client = login(username)
    tiina = user("tym.oulu")
    assert client.get(reverse("agency-people")).status_code == 403
    assert client.post(reverse("agency-person-code", args=[tiina.public_id])).status_code == 403


def test_an_agency_administrator_cannot_take_over_an_administrator(client, keeper):
    """Staff, superusers and other agency administrators are out of an agency
    administrator's reach: a code for them would hand over their account."""
    other_keeper = User.objects.create_user(username="toinen.paakayttaja")
    Membership.objects.create(user=other_keeper, agency=agency("tym-oulu"), role=Role.AGENCY_ADMIN)
    staff = User.objects.create_user(username="yllapito.oulu", is_staff=True)
    Membership.objects.create(user=staff, agency=agency("tym-oulu"), role=Role.STAFF)
    as_keeper(client, keeper)
    for target in (other_keeper, staff):
        response = client.post(reverse("agency-person-code", args=[target.public_id]))
        assert response.status_code == 403, target.username
        assert not ActivationCode.objects.filter(user=target).exists()

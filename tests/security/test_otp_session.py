"""The session carries the verification: no device query on every page, and a removed
authenticator stops verifying (at once through Polku, within minutes through the admin)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from security.models import AuthenticatorDevice

from ..conftest import DEMO_PASSWORD
from .helpers import code_for, enrolled

pytestmark = pytest.mark.django_db
VERIFY = reverse("two-factor-verify")


@pytest.fixture
def required(settings):
    settings.POLKU_REQUIRE_2FA = True


def verified_client(device: AuthenticatorDevice, steps_ahead: int = 1) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": "tym.oulu", "password": DEMO_PASSWORD})
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(VERIFY, {"code": code_for(device.key, steps_ahead=steps_ahead)})
    assert response.status_code == 302
    return client


def test_a_verified_inbox_costs_no_query_for_the_device(
    required, personas, django_assert_max_num_queries
):
    device, _codes = enrolled(personas["tym.oulu"])
    client = verified_client(device)
    client.get(reverse("inbox"))  # the first page after the code confirms the device
    with django_assert_max_num_queries(10):
        assert client.get(reverse("inbox")).status_code == 200


def test_removing_the_authenticator_ends_the_other_sessions_and_this_verification(
    required, personas
):
    device, _codes = enrolled(personas["tym.oulu"])
    elsewhere = verified_client(device, steps_ahead=1)
    here = verified_client(device, steps_ahead=2)
    assert elsewhere.get(reverse("inbox")).status_code == 200
    response = here.post(reverse("two-factor-remove"), {"password": DEMO_PASSWORD})
    assert response["Location"] == reverse("two-factor-enrol")
    assert here.get(reverse("inbox"))["Location"].startswith((VERIFY, reverse("two-factor-enrol")))
    assert elsewhere.get(reverse("inbox"))["Location"].startswith(reverse("login"))


def test_a_device_deleted_in_the_admin_stops_verifying_within_five_minutes(required, personas):
    device, _codes = enrolled(personas["tym.oulu"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = verified_client(device)
        assert client.get(reverse("inbox")).status_code == 200
        AuthenticatorDevice.objects.filter(user=personas["tym.oulu"]).delete()
        assert client.get(reverse("inbox")).status_code == 200  # trusted for now
        clock.shift(datetime.timedelta(minutes=6))
        assert client.get(reverse("inbox"))["Location"].startswith(
            (reverse("two-factor-enrol"), VERIFY)
        )

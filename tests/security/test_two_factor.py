"""Two-factor login: with POLKU_REQUIRE_2FA no page opens before a code has verified the
session; the set-up, the backup codes, and replacing the authenticator."""

import base64
import re
from binascii import unhexlify

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import User
from security.middleware import TWO_FACTOR_EXEMPT
from security.models import AuthenticatorDevice, BackupCode
from security.sealing import code_hash_matches
from security.views import ENROL_KEY

from ..conftest import DEMO_PASSWORD
from ..factories import user
from ..urlwalk import all_routes
from .helpers import activation_code, code_for, enrolled

pytestmark = pytest.mark.django_db

VERIFY = reverse("two-factor-verify")
ENROL = reverse("two-factor-enrol")


@pytest.fixture
def required(settings):
    settings.POLKU_REQUIRE_2FA = True


def password_login(username: str = "tym.oulu") -> Client:
    user(username)
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("with_device", [False, True], ids=["no-device", "device"])
def test_no_page_opens_before_the_code(required, login, personas, with_device):
    if with_device:
        enrolled(personas["tym.oulu"])
    client = login("tym.oulu")
    for route in all_routes():
        if route.name in TWO_FACTOR_EXEMPT:
            continue
        for method in (client.get, client.post):
            response = method(route.path)
            assert response.status_code == 302, (route, method)
            assert response["Location"].startswith(VERIFY), (route, method)
    # The admin too, and htmx requests are sent to the page as a whole.
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    htmx = client.get(reverse("directory"), {"q": "x"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == VERIFY


def test_the_exempt_pages_still_open(required, login):
    client = login("tym.oulu")
    assert client.get(reverse("healthz")).status_code in {200, 503}
    assert client.get(VERIFY)["Location"].startswith(ENROL)
    page = client.get(ENROL)
    assert page.status_code == 200
    # Only logging out in the header, no navigation.
    assert 'class="main-nav"' not in page.content.decode()
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_without_the_setting_the_password_is_enough(login):
    assert login("tym.oulu").get(reverse("inbox")).status_code == 200


def test_enrolment_with_a_code_from_the_app(required, personas):
    client = password_login()
    home = client.get("/")
    assert home["Location"] == f"{VERIFY}?next=%2F"
    assert client.get(home["Location"])["Location"] == f"{ENROL}?next=%2F"
    page = client.get(f"{ENROL}?next=%2F")
    html = page.content.decode()
    key = client.session[ENROL_KEY]
    # The QR code is inline SVG (nothing fetched elsewhere) and the key is there as text.
    assert re.search(r'<div class="qr" role="img" aria-label="[^"]+"><svg aria-hidden="true"', html)
    assert "style=" not in html
    secret = base64.b32encode(unhexlify(key)).decode()
    assert page.context["secret"].replace(" ", "") == secret
    assert "otpauth" not in html  # only inside the QR code
    # Nothing is stored before the code confirms the app.
    assert not AuthenticatorDevice.objects.filter(user=personas["tym.oulu"]).exists()

    activation = activation_code(personas["tym.oulu"])
    wrong = client.post(
        ENROL,
        {
            "activation_code": activation,
            "code": "000000" if code_for(key) != "000000" else "111111",
        },
    )
    assert wrong.status_code == 200
    assert "code" in wrong.context["form"].errors
    assert not AuthenticatorDevice.objects.filter(user=personas["tym.oulu"]).exists()
    bad = client.post(ENROL, {"activation_code": activation, "code": "12ab"})
    assert "code" in bad.context["form"].errors

    # The activation code is typed as it comes, or in lower case without the dashes.
    done = client.post(
        ENROL,
        {
            "activation_code": activation.replace("-", "").lower(),
            "code": code_for(key),
            "next": "/",
        },
    )
    assert done.status_code == 200
    assert done.templates[0].name == "security/backup_codes.html"
    codes = done.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    device = AuthenticatorDevice.objects.get(user=personas["tym.oulu"])
    assert device.confirmed
    assert device.key == key
    hashes = list(
        BackupCode.objects.filter(device__user=personas["tym.oulu"]).values_list(
            "code_hash", flat=True
        )
    )
    assert len(hashes) == 10
    assert all(any(code_hash_matches(code, stored) for stored in hashes) for code in codes)
    assert ENROL_KEY not in client.session
    assert done["Cache-Control"].startswith("max-age=0")
    # Verified: every page opens now.
    assert client.get("/").status_code == 200
    assert client.get(reverse("inbox")).status_code == 200
    # The set-up cannot run again.
    assert client.get(ENROL)["Location"] == reverse("account-security")


def test_login_with_an_enrolled_app(required, personas):
    device, _codes = enrolled(personas["tym.oulu"])
    client = password_login()
    assert client.get(reverse("inbox"))["Location"].startswith(VERIFY)
    page = client.get(VERIFY)
    assert page.status_code == 200
    # The code of the set-up is spent; the app's next one works.
    spent = client.post(VERIFY, {"code": code_for(device.key)})
    assert "code" in spent.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(
        VERIFY, {"code": code_for(device.key, steps_ahead=1), "next": reverse("inbox")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox")
    assert client.get(reverse("inbox")).status_code == 200


def test_a_password_alone_cannot_add_a_second_app(required, personas):
    device, _codes = enrolled(personas["tym.oulu"])
    client = password_login()
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": code_for(device.key, steps_ahead=1)}).status_code == 302
    assert ENROL_KEY not in client.session
    assert list(AuthenticatorDevice.objects.filter(user=personas["tym.oulu"])) == [device]


def test_a_backup_code_works_once(required, personas):
    _device, codes = enrolled(personas["tym.oulu"])
    first = password_login()
    response = first.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert BackupCode.objects.filter(device__user=personas["tym.oulu"]).count() == 9

    second = password_login()
    again = second.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "code" in again.context["form"].errors
    assert second.get("/")["Location"].startswith(VERIFY)


def test_wrong_codes_are_throttled(required, personas):
    device, _codes = enrolled(personas["tym.oulu"])
    client = password_login()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert "code" in client.post(VERIFY, {"code": "123456"}).context["form"].errors
        # Straight after a failure even the right code waits (django-otp's back-off) ...
        right = code_for(device.key, steps_ahead=1)
        late = client.post(VERIFY, {"code": right})
        assert "code" in late.context["form"].errors
        assert client.get("/")["Location"].startswith(VERIFY)
        # ... which doubles with each failure.
        clock.shift(2)
        assert client.post(VERIFY, {"code": right}).status_code == 302


def test_next_stays_on_polku(required, personas):
    device, _codes = enrolled(personas["tym.oulu"])
    client = password_login()
    response = client.post(
        VERIFY, {"code": code_for(device.key, steps_ahead=1), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def verified(username: str, personas) -> tuple[Client, AuthenticatorDevice, list[str]]:
    device, codes = enrolled(personas[username])
    client = password_login(username)
    assert client.post(VERIFY, {"code": codes[-1]}).status_code == 302
    return client, device, codes[:-1]


def test_new_backup_codes_need_the_password(required, personas):
    client, _device, old = verified("tym.oulu", personas)
    url = reverse("backup-codes-new")
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"password": "not-the-password"})
    assert "password" in wrong.context["form"].errors
    tokens = BackupCode.objects.filter(device__user=personas["tym.oulu"])
    before = set(tokens.values_list("code_hash", flat=True))
    assert len(before) == len(old)
    response = client.post(url, {"password": DEMO_PASSWORD})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10
    after = set(tokens.values_list("code_hash", flat=True))
    assert len(after) == 10
    assert not after & before
    assert all(any(code_hash_matches(code, stored) for stored in after) for code in new)


def test_replacing_the_app(required, personas):
    client, _device, _codes = verified("tym.oulu", personas)
    url = reverse("two-factor-remove")
    assert "password" in client.post(url, {"password": "nope"}).context["form"].errors
    assert AuthenticatorDevice.objects.filter(user=personas["tym.oulu"]).exists()
    response = client.post(url, {"password": DEMO_PASSWORD})
    assert response["Location"] == ENROL
    assert not AuthenticatorDevice.objects.filter(user=personas["tym.oulu"]).exists()
    assert not BackupCode.objects.filter(device__user=personas["tym.oulu"]).exists()
    # The session's device is gone: the next page asks for the new app.
    assert client.get("/")["Location"].startswith(VERIFY)
    assert client.get(VERIFY)["Location"].startswith(ENROL)
    client.get(ENROL)
    key = client.session[ENROL_KEY]
    assert client.post(ENROL, {"code": code_for(key)}).status_code == 200
    assert client.get("/").status_code == 200


def test_the_overview_shows_the_app_and_the_codes_left(required, personas):
    client, _device, codes = verified("tym.oulu", personas)
    page = client.get(reverse("account-security"))
    assert page.status_code == 200
    assert page.context["state"].device is not None
    assert page.context["state"].backup_codes_left == len(codes) == 9


def test_users_are_their_own(required, personas):
    """An administrator's removal (in the admin) is the way back for a lost phone; here a
    user's pages only ever touch their own devices."""
    enrolled(personas["rise.oulu"])
    client, _device, _codes = verified("tym.oulu", personas)
    client.post(reverse("two-factor-remove"), {"password": DEMO_PASSWORD})
    assert AuthenticatorDevice.objects.filter(user=User.objects.get(username="rise.oulu")).exists()

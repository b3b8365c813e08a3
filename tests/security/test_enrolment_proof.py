"""Issue 12, parts 1 and 2: the password alone never sets up an authenticator (a one-time
activation code from an administrator, valid 72 hours), and a database dump holds no
usable second-factor secret (TOTP keys sealed, backup and activation codes hashed)."""

import base64
import datetime
import importlib
from binascii import unhexlify

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Membership, Role, User
from referrals.clients.identity import decrypt
from retention.keys import field_keys_rotate
from security.models import (
    ActivationCode,
    AuthenticatorDevice,
    BackupCode,
    TwoFactorEvent,
    TwoFactorEventKind,
)
from security.sealing import code_hash_matches
from security.services import (
    ActivationRefused,
    NotAllowed,
    activation_code_issue,
    two_factor_enrol,
    two_factor_reset,
)
from security.views import ENROL_KEY

from ..conftest import DEMO_PASSWORD
from ..factories import user
from .helpers import activation_code, administrator, code_for, enrolled

pytestmark = pytest.mark.django_db

VERIFY = reverse("two-factor-verify")
ENROL = reverse("two-factor-enrol")
KEY = "3132333435363738393031323334353637383930"


@pytest.fixture
def required(settings):
    settings.POLKU_REQUIRE_2FA = True


def at_enrolment(username: str = "priima.butti") -> tuple[Client, str]:
    user(username)
    client = Client()
    assert (
        client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}).status_code
        == 302
    )
    page = client.get(ENROL)
    assert page.status_code == 200
    return client, client.session[ENROL_KEY]


def test_a_password_alone_sets_up_no_authenticator(required, personas):
    """The attack of the issue: a stolen password, an attacker's own app."""
    user = personas["priima.butti"]
    client, key = at_enrolment()
    page = client.get(ENROL)
    assert "activation_code" in page.context["form"].fields
    for data in (
        {"code": code_for(key)},
        {"code": code_for(key), "activation_code": ""},
        {"code": code_for(key), "activation_code": "AAAA-BBBB-CCCC"},
    ):
        response = client.post(ENROL, data)
        assert response.status_code == 200
        assert "activation_code" in response.context["form"].errors
        assert not AuthenticatorDevice.objects.filter(user=user).exists()
    assert client.get(reverse("inbox"))["Location"].startswith(VERIFY)
    # The service refuses it too.
    with pytest.raises(ActivationRefused):
        two_factor_enrol(user=user, key=KEY, code=code_for(KEY))
    assert not AuthenticatorDevice.objects.filter(user=user).exists()


def test_the_refusal_is_translated(required, personas):
    client, key = at_enrolment()
    client.post(reverse("set_language"), {"language": "fi"})
    response = client.post(ENROL, {"code": code_for(key), "activation_code": "x"})
    assert response.context["form"].errors["activation_code"]


def test_another_users_code_does_not_work(required, personas):
    other = activation_code(personas["tym.oulu"])
    client, key = at_enrolment()
    response = client.post(ENROL, {"code": code_for(key), "activation_code": other})
    assert "activation_code" in response.context["form"].errors
    assert not AuthenticatorDevice.objects.exists()


def test_a_code_works_once(required, personas):
    user = personas["priima.butti"]
    code = activation_code(user)
    client, key = at_enrolment()
    done = client.post(ENROL, {"code": code_for(key), "activation_code": code})
    assert done.templates[0].name == "security/backup_codes.html"
    assert client.get(reverse("inbox")).status_code == 200
    row = ActivationCode.objects.get(user=user)
    assert row.used_at is not None
    assert list(
        TwoFactorEvent.objects.filter(user=user).order_by("pk").values_list("kind", "actor")
    ) == [
        (TwoFactorEventKind.CODE_ISSUED, administrator().pk),
        (TwoFactorEventKind.ENROLLED, user.pk),
    ]
    # Lost phone: the administrator resets; the used code does not set up another app.
    two_factor_reset(user=user, actor=administrator())
    again, key = at_enrolment()
    response = again.post(ENROL, {"code": code_for(key, steps_ahead=1), "activation_code": code})
    assert "activation_code" in response.context["form"].errors
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    with pytest.raises(ActivationRefused):
        two_factor_enrol(user=user, key=KEY, code=code_for(KEY), activation_code=code)
    # A new code does.
    fresh = activation_code(user)
    assert (
        again.post(
            ENROL, {"code": code_for(key, steps_ahead=1), "activation_code": fresh}
        ).status_code
        == 200
    )
    assert AuthenticatorDevice.objects.filter(user=user).exists()


def test_a_wrong_app_code_does_not_spend_the_activation_code(required, personas):
    code = activation_code(personas["priima.butti"])
    client, key = at_enrolment()
    wrong = "000000" if code_for(key) != "000000" else "111111"
    response = client.post(ENROL, {"code": wrong, "activation_code": code})
    assert "code" in response.context["form"].errors
    assert ActivationCode.objects.get().used_at is None
    assert client.post(ENROL, {"code": code_for(key), "activation_code": code}).status_code == 200


@pytest.mark.parametrize(
    ("hours", "works"), [(71.9, True), (72, False), (100, False)], ids=["71.9h", "72h", "100h"]
)
def test_a_code_expires_after_72_hours(required, personas, hours, works):
    user = personas["priima.butti"]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        code = activation_code(user)
        clock.shift(datetime.timedelta(hours=hours))
        if works:
            device, _codes = two_factor_enrol(
                user=user, key=KEY, code=code_for(KEY), activation_code=code
            )
            assert device.confirmed
        else:
            with pytest.raises(ActivationRefused):
                two_factor_enrol(user=user, key=KEY, code=code_for(KEY), activation_code=code)
            assert not AuthenticatorDevice.objects.filter(user=user).exists()


def test_a_new_code_revokes_the_outstanding_one(personas):
    user = personas["priima.butti"]
    first = activation_code(user)
    second = activation_code(user)
    with pytest.raises(ActivationRefused):
        two_factor_enrol(user=user, key=KEY, code=code_for(KEY), activation_code=first)
    two_factor_enrol(user=user, key=KEY, code=code_for(KEY), activation_code=second)
    assert ActivationCode.objects.filter(user=user, revoked_at__isnull=False).count() == 1


def test_activation_attempts_are_rate_limited(required, personas, settings):
    settings.POLKU_RATE_LIMITS = {**settings.POLKU_RATE_LIMITS, "activation-code": (3, 900)}
    code = activation_code(personas["priima.butti"])
    client, key = at_enrolment()
    for _attempt in range(3):
        client.post(ENROL, {"code": code_for(key), "activation_code": "WRONG-CODE-0000"})
    # The right code now waits too: guessing is slowed down for everyone the same.
    response = client.post(ENROL, {"code": code_for(key), "activation_code": code})
    assert "activation_code" in response.context["form"].errors
    assert not AuthenticatorDevice.objects.exists()


def test_who_issues_codes(personas):
    user = personas["priima.butti"]
    with pytest.raises(NotAllowed):
        activation_code_issue(user=user, issued_by=personas["tym.oulu"])
    with pytest.raises(NotAllowed):  # nobody for themselves
        activation_code_issue(user=user, issued_by=user)
    with pytest.raises(NotAllowed):
        two_factor_reset(user=user, actor=personas["koordinaattori.oulu"])
    # An agency administrator (Membership role) for the members of their agency.
    agency = Membership.objects.filter(user=user).first().agency
    keeper = User.objects.create(username="admin.priima")
    Membership.objects.create(user=keeper, agency=agency, role=Role.AGENCY_ADMIN)
    assert activation_code_issue(user=user, issued_by=keeper)
    with pytest.raises(NotAllowed):
        activation_code_issue(user=personas["tym.oulu"], issued_by=keeper)
    assert activation_code_issue(user=user, issued_by=personas["admin"])


def test_the_admin_issues_a_code_and_resets_devices(login, personas):
    user = personas["priima.butti"]
    admin = login("admin")
    url = reverse("admin:agencies_user_changelist")
    page = admin.post(url, {"action": "issue_activation_code", "_selected_action": [user.pk]})
    assert page.status_code == 200
    [(shown_user, code)] = page.context["issued"]
    assert shown_user == user
    assert code in page.content.decode()
    two_factor_enrol(user=user, key=KEY, code=code_for(KEY), activation_code=code)

    confirm = admin.post(url, {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert confirm.status_code == 200
    assert AuthenticatorDevice.objects.filter(user=user).exists()  # not before confirming
    done = admin.post(
        url, {"action": "reset_two_factor", "_selected_action": [user.pk], "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    assert not BackupCode.objects.filter(device__user=user).exists()
    assert TwoFactorEvent.objects.filter(
        user=user, kind=TwoFactorEventKind.RESET, actor=personas["admin"]
    ).exists()
    # The record is there for the administrator to read, and nobody edits it.
    assert admin.get(reverse("admin:security_twofactorevent_changelist")).status_code == 200
    assert admin.get(reverse("admin:security_activationcode_changelist")).status_code == 200
    # django-otp's plain-text device pages are gone from the admin.
    assert "otp_totp" not in admin.get(reverse("admin:index")).content.decode()


def test_a_staff_member_without_the_permission_sees_no_action(login, personas):
    staff = personas["tym.oulu"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        Permission.objects.get(codename="view_user", content_type__app_label="agencies"),
        Permission.objects.get(codename="change_user", content_type__app_label="agencies"),
    )
    page = login("tym.oulu").get(reverse("admin:agencies_user_changelist"))
    assert page.status_code == 200
    assert "issue_activation_code" not in page.content.decode()
    staff.user_permissions.add(
        Permission.objects.get(codename="add_activationcode", content_type__app_label="security")
    )
    page = login("tym.oulu").get(reverse("admin:agencies_user_changelist"))
    assert "issue_activation_code" in page.content.decode()


def test_removing_in_an_unverified_session_needs_a_code(personas):
    """Without 2FA required nobody's session is verified: removing the app with the
    password gives no way back in without an administrator."""
    user = personas["priima.butti"]
    enrolled(user)
    client = Client()
    client.force_login(user)
    client.post(reverse("two-factor-remove"), {"password": DEMO_PASSWORD})
    assert not AuthenticatorDevice.objects.filter(user=user).exists()
    client.get(ENROL)
    key = client.session[ENROL_KEY]
    response = client.post(ENROL, {"code": code_for(key)})
    assert "activation_code" in response.context["form"].errors
    assert not AuthenticatorDevice.objects.filter(user=user).exists()


# Part 2: a dump holds no usable secret -----------------------------------------------


def raw_rows(table: str, columns: str) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 (fixed names)
        return list(cursor.fetchall())


def test_the_secrets_are_not_in_a_dump(personas):
    user = personas["tym.oulu"]
    activation = activation_code(user)
    device, backup = two_factor_enrol(
        user=user, key=KEY, code=code_for(KEY), activation_code=activation
    )
    outstanding = activation_code(personas["priima.butti"])
    secrets = {
        KEY,
        KEY.upper(),
        unhexlify(KEY).decode("latin-1"),
        base64.b32encode(unhexlify(KEY)).decode(),
        activation,
        activation.replace("-", ""),
        outstanding,
        outstanding.replace("-", ""),
        *backup,
    }
    dump = []
    for table in (
        "security_authenticatordevice",
        "security_backupcodedevice",
        "security_backupcode",
        "security_activationcode",
        "security_twofactorevent",
    ):
        dump += [str(value) for row in raw_rows(table, "*") for value in row]
    assert dump
    for secret in secrets:
        for value in dump:
            assert secret.lower() not in value.lower(), (secret, value)
    # The key column holds Fernet ciphertext that the field keys open, nothing else.
    [(sealed,)] = raw_rows("security_authenticatordevice", "key_sealed")
    assert sealed.startswith("gAAAAA")
    assert decrypt(sealed) == KEY
    hashes = [value for (value,) in raw_rows("security_backupcode", "code_hash")]
    assert len(hashes) == 10
    assert all(any(code_hash_matches(code, stored) for stored in hashes) for code in backup)
    # django-otp's plain-text tables stay empty.
    assert raw_rows("otp_totp_totpdevice", "key") == []
    assert raw_rows("otp_static_statictoken", "token") == []
    # Without DJANGO_SECRET_KEY the hashes confirm no guess.
    with override_settings(SECRET_KEY="another-" * 8, SECRET_KEY_FALLBACKS=[]):
        assert not any(code_hash_matches(backup[0], stored) for stored in hashes)
    assert device.key == KEY


def test_rotate_field_key_reseals_the_totp_keys(personas, settings):
    _device, _codes = enrolled(personas["tym.oulu"])
    [(old,)] = raw_rows("security_authenticatordevice", "key_sealed")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    results = {result.label: result for result in field_keys_rotate()}
    sealed = results["security.AuthenticatorDevice.key_sealed"]
    assert (sealed.rotated, sealed.current, sealed.unreadable) == (1, 0, 0)
    [(new,)] = raw_rows("security_authenticatordevice", "key_sealed")
    assert new != old
    assert Fernet(new_key.encode()).decrypt(new.encode()).decode() == KEY
    again = {result.label: result for result in field_keys_rotate()}
    assert again["security.AuthenticatorDevice.key_sealed"].current == 1
    # The device still verifies with the re-sealed key.
    device = AuthenticatorDevice.objects.get()
    assert device.verify_token(code_for(KEY, steps_ahead=1))


def test_the_migration_seals_enrolled_devices(personas):
    """Users enrolled before keep their app and their unused backup codes."""
    user = personas["tym.oulu"]
    old = TOTPDevice.objects.create(user=user, name="Polku", key=KEY, confirmed=True, last_t=5)
    static = StaticDevice.objects.create(user=user, name="Polku", confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=static, token=t) for t in ("abcd2345", "efgh6723")]
    )
    migration = importlib.import_module("security.migrations.0003_seal_existing_two_factor_devices")
    migration.seal_devices(apps, None)
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()
    assert old.pk  # the plain row is gone, the user is not asked to enrol again
    device = AuthenticatorDevice.objects.get(user=user)
    assert (device.key, device.last_t, device.confirmed) == (KEY, 5, True)
    assert device.verify_token(code_for(KEY))
    hashes = list(BackupCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    assert len(hashes) == 2
    assert all(any(code_hash_matches(t, h) for h in hashes) for t in ("abcd2345", "efgh6723"))
    assert TwoFactorEvent.objects.filter(user=user, kind=TwoFactorEventKind.MIGRATED).exists()

"""Enrolled users keep their authenticator: each django-otp TOTPDevice becomes an
AuthenticatorDevice with the key sealed under FIELD_ENCRYPTION_KEYS, each StaticToken a
hashed BackupCode, and the plain rows are deleted (ADR 18). Sessions verified by an old
device ask for a code again within five minutes (security.middleware.OTPSessionMiddleware).
Backwards, the keys are unsealed into TOTPDevice rows; backup codes cannot come back (only
their hashes exist) and the users make new ones."""

from typing import Any

from django.db import migrations
from django.utils import timezone

from security.sealing import code_hash, seal, unseal


def seal_devices(apps: Any, schema_editor: Any) -> None:
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    AuthenticatorDevice = apps.get_model("security", "AuthenticatorDevice")
    BackupCodeDevice = apps.get_model("security", "BackupCodeDevice")
    BackupCode = apps.get_model("security", "BackupCode")
    TwoFactorEvent = apps.get_model("security", "TwoFactorEvent")
    now = timezone.now()
    users = set()
    for old in TOTPDevice.objects.all().order_by("pk"):
        AuthenticatorDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            key_sealed=seal(old.key),
            last_t=old.last_t,
            drift=old.drift,
            created_at=old.created_at,
            last_used_at=old.last_used_at,
        )
        users.add(old.user_id)
    for old in StaticDevice.objects.all().order_by("pk"):
        device = BackupCodeDevice.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            created_at=old.created_at,
            last_used_at=old.last_used_at,
        )
        BackupCode.objects.bulk_create(
            BackupCode(device=device, code_hash=code_hash(token.token.lower()))
            for token in old.token_set.all()
        )
    TwoFactorEvent.objects.bulk_create(
        TwoFactorEvent(user_id=user_id, kind="migrated", at=now) for user_id in sorted(users)
    )
    # The plain secrets go: StaticToken rows with their devices.
    StaticDevice.objects.all().delete()
    TOTPDevice.objects.all().delete()


def unseal_devices(apps: Any, schema_editor: Any) -> None:
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    AuthenticatorDevice = apps.get_model("security", "AuthenticatorDevice")
    BackupCodeDevice = apps.get_model("security", "BackupCodeDevice")
    for device in AuthenticatorDevice.objects.all().order_by("pk"):
        TOTPDevice.objects.create(
            user_id=device.user_id,
            name=device.name,
            confirmed=device.confirmed,
            key=unseal(device.key_sealed),
            last_t=device.last_t,
            drift=device.drift,
        )
    for device in BackupCodeDevice.objects.all().order_by("pk"):
        StaticDevice.objects.create(user_id=device.user_id, name=device.name, confirmed=True)
    AuthenticatorDevice.objects.all().delete()
    BackupCodeDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0002_two_factor_sealed"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_devices, unseal_devices)]

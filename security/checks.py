import base64
import binascii
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

# A blind-index key holds at least this many random bytes (HMAC-SHA256's block of output).
BLIND_INDEX_MIN_BYTES = 32
# A key that is not base64 or hex text counts as random only at this length.
PASSPHRASE_MIN_CHARACTERS = 64
KEY_HINT = (
    'Generate one with python -c "import secrets; print(secrets.token_urlsafe(48))" and keep '
    "it out of the repository."
)


@register(Tags.security)
def two_factor_required_in_production(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Client data behind a password alone is not enough outside development."""
    if settings.DEBUG or settings.POLKU_REQUIRE_2FA:
        return []
    return [
        Warning(
            "Two-factor login is off (POLKU_REQUIRE_2FA=false) while DEBUG is false.",
            hint="Set POLKU_REQUIRE_2FA=true, or leave it unset: it is on by default in "
            "production.",
            id="polku.W001",
        )
    ]


def _decoded_length(key: str) -> int:
    """The bytes a key written as base64 (standard or URL-safe) or hex holds; for other
    text, its length in bytes when long enough to count as a passphrase, else 0."""
    text = key.strip()
    for decode in (
        lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)),
        lambda t: base64.b64decode(t + "=" * (-len(t) % 4), validate=True),
        bytes.fromhex,
    ):
        try:
            return len(decode(text))
        except (binascii.Error, ValueError):
            continue
    data = text.encode()
    return len(data) if len(text) >= PASSPHRASE_MIN_CHARACTERS else 0


@register(Tags.security)
def development_secrets_refused(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Outside development, no key committed to this repository, no weak blind-index key
    and no wildcard host: each is an error that stops the process from starting.
    DEVELOPMENT, not DEBUG: test runners switch DEBUG off in development too."""
    if settings.DEVELOPMENT:
        return []
    errors: list[CheckMessage] = []
    if settings.DEVELOPMENT_SECRET_KEY in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        errors.append(
            Error(
                "DJANGO_SECRET_KEY (or a fallback) is the development key committed to Polku.",
                hint=KEY_HINT,
                id="polku.E001",
            )
        )
    if settings.DEVELOPMENT_FIELD_KEY in settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS holds the development Fernet key committed to Polku.",
                hint='Generate a key with python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())", put it first, and re-encrypt with '
                "manage.py rotate_field_key before dropping the old one.",
                id="polku.E002",
            )
        )
    blind = settings.BLIND_INDEX_KEY
    if blind == settings.DEVELOPMENT_BLIND_INDEX_KEY:
        errors.append(
            Error(
                "BLIND_INDEX_KEY is the development key committed to Polku.",
                hint=KEY_HINT,
                id="polku.E003",
            )
        )
    elif _decoded_length(blind) < BLIND_INDEX_MIN_BYTES:
        errors.append(
            Error(
                f"BLIND_INDEX_KEY holds fewer than {BLIND_INDEX_MIN_BYTES} random bytes.",
                hint=KEY_HINT,
                id="polku.E004",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "DJANGO_ALLOWED_HOSTS contains '*': any Host header would be accepted.",
                hint="Name the service's host names, comma-separated.",
                id="polku.E005",
            )
        )
    return errors


def development_secrets_refuse() -> None:
    """Called as the web server and the Celery processes start: gunicorn and the worker
    run no system checks of their own, and must not start on a development key."""
    errors = development_secrets_refused()
    if errors:
        raise ImproperlyConfigured(
            "Polku refuses to start:\n"
            + "\n".join(f"{error.id}: {error.msg} {error.hint or ''}".strip() for error in errors)
        )

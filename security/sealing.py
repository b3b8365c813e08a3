"""Secrets of the second factor as a database dump must not hold them (ADR 18).

TOTP keys are sealed: MultiFernet ciphertext under FIELD_ENCRYPTION_KEYS (the identity
code's keys, referrals.clients.identity), so `rotate_field_key` re-seals them with the newest key.
Backup codes and activation codes are only hashed: an HMAC-SHA256 under a key derived from
DJANGO_SECRET_KEY, with a random salt per code. The codes are random (40 and 60 bits), and
without the secret key a dump gives nothing to test a guess against offline.
"""

import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from referrals.clients.identity import decrypt, encrypt

HASH_PURPOSE = "polku.security.code-hash"


def seal(value: str) -> str:
    """The value as MultiFernet ciphertext under the newest field key."""
    return encrypt(value)


def unseal(token: str) -> str:
    return decrypt(token)


def _digest(salt: str, code: str, secret: str) -> str:
    return salted_hmac(
        HASH_PURPOSE, f"{salt}${code}", secret=secret, algorithm="sha256"
    ).hexdigest()


def code_hash(code: str) -> str:
    """`salt$hmac` of a normalised code, under the current DJANGO_SECRET_KEY."""
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, code, settings.SECRET_KEY)}"


def code_hash_matches(code: str, stored: str) -> bool:
    """Whether `code` is the one hashed in `stored` (the secret key or one of its
    fallbacks, so that rotating DJANGO_SECRET_KEY keeps the codes for a while)."""
    salt, _, digest = stored.partition("$")
    if not salt or not digest:
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(_digest(salt, code, key), digest) for key in keys)

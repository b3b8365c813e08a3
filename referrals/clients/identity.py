"""The personal identity code (henkilötunnus): validation, encryption and the blind index.

The code is stored only as MultiFernet ciphertext (keys from FIELD_ENCRYPTION_KEYS,
newest first, so keys can be rotated) beside an HMAC-SHA256 of the normalised code under
a separate key, which finds a client and detects duplicates without decrypting anything.
"""

import datetime
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu as stdnum_hetu

# Century signs of the identity code, including those added in 2023.
CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


def hetu_normalise(value: str) -> str:
    """Return the valid, canonical identity code or raise a translated ValidationError."""
    try:
        return str(stdnum_hetu.validate(value.strip()))
    except StdnumError as error:
        raise ValidationError(
            _("This is not a valid Finnish personal identity code."), code="invalid_hetu"
        ) from error


def hetu_birth_date(code: str) -> datetime.date:
    return datetime.date(CENTURY[code[6]] + int(code[4:6]), int(code[2:4]), int(code[0:2]))


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def field_cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return field_cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return field_cipher().decrypt(token.encode()).decode()


def blind_index(code: str) -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGN = {1800: "+", 1900: "-", 2000: "A"}


def hetu_make(birth_date: datetime.date, individual: int) -> str:
    """A valid identity code for a birth date and individual number (demo data and tests)."""
    digits = f"{birth_date:%d%m%y}{individual:03d}"
    sign = CENTURY_SIGN[birth_date.year // 100 * 100]
    return f"{digits[:6]}{sign}{digits[6:]}{CHECK_CHARACTERS[int(digits) % 31]}"

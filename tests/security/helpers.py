from binascii import unhexlify

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import User
from security.services import two_factor_enrol


def code_for(key: str, *, steps_ahead: int = 0) -> str:
    """The six digits an authenticator app shows for the hex `key`, `steps_ahead` 30-second
    steps from now (a code already used is refused, so a second login takes the next)."""
    return f"{totp(unhexlify(key), step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    """The user with a confirmed authenticator and backup codes, as after the set-up."""
    key = "3132333435363738393031323334353637383930"
    return two_factor_enrol(user=user, key=key, code=code_for(key))

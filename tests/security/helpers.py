from binascii import unhexlify

from django_otp.oath import totp

from agencies.models import User
from security.models import AuthenticatorDevice
from security.services import activation_code_issue, two_factor_enrol

from ..factories import user


def code_for(key: str, *, steps_ahead: int = 0) -> str:
    """The six digits an authenticator app shows for the hex `key`, `steps_ahead` 30-second
    steps from now (a code already used is refused, so a second login takes the next)."""
    return f"{totp(unhexlify(key), step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def administrator() -> User:
    return user("admin")


def activation_code(user: User) -> str:
    """A one-time activation code for `user`, as the administrator issues it."""
    return activation_code_issue(user=user, issued_by=administrator())


def enrolled(user: User) -> tuple[AuthenticatorDevice, list[str]]:
    """The user with a confirmed authenticator and backup codes, as after the set-up."""
    key = "3132333435363738393031323334353637383930"
    return two_factor_enrol(
        user=user, key=key, code=code_for(key), activation_code=activation_code(user)
    )

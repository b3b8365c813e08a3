"""Key rotation: re-encrypt every encrypted field value under the newest key of
FIELD_ENCRYPTION_KEYS (docs/adr/0013-key-rotation.md).

The blind index (BLIND_INDEX_KEY) is not touched: it is an HMAC of the plain code, so a
new index key means recomputing every index from the decrypted code, a procedure of its
own, and until it is done no client could be found by identity code.
"""

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models, transaction

from referrals.clients.identity import field_cipher
from referrals.models import Client
from security.models import AuthenticatorDevice

# Every field written with referrals.clients.identity.encrypt, as (model, field name): the
# identity code, and the sealed TOTP keys of the authenticators (security.sealing.seal).
ENCRYPTED_FIELDS: tuple[tuple[type[models.Model], str], ...] = (
    (Client, "hetu_encrypted"),
    (AuthenticatorDevice, "key_sealed"),
)
BATCH_SIZE = 500


@dataclass
class Rotated:
    label: str
    rotated: int = 0
    current: int = 0  # already under the newest key: left as it is
    unreadable: int = 0  # no configured key opens it: left as it is, and reported


def _is_current(newest: Fernet, token: bytes) -> bool:
    try:
        newest.decrypt(token)
    except InvalidToken:
        return False
    return True


def field_keys_rotate(*, batch_size: int = BATCH_SIZE) -> list[Rotated]:
    """Re-encrypt, batch by batch, each value not yet under the newest key.

    Each batch is one transaction holding its rows locked, so a value changed meanwhile
    is not overwritten with an older one; running it again rotates nothing twice.
    """
    cipher = field_cipher()
    newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    results = []
    for model, name in ENCRYPTED_FIELDS:
        result = Rotated(label=f"{model._meta.label}.{name}")
        last_pk: Any = 0
        while True:
            with transaction.atomic():
                batch = list(
                    model._default_manager.select_for_update()
                    .filter(pk__gt=last_pk)
                    .exclude(**{name: ""})
                    .order_by("pk")
                    .only("pk", name)[:batch_size]
                )
                if not batch:
                    break
                changed = []
                for row in batch:
                    token = getattr(row, name).encode()
                    if _is_current(newest, token):
                        result.current += 1
                        continue
                    try:
                        setattr(row, name, cipher.rotate(token).decode())
                    except InvalidToken:
                        result.unreadable += 1
                        continue
                    changed.append(row)
                model._default_manager.bulk_update(changed, [name])
                result.rotated += len(changed)
                last_pk = batch[-1].pk
        results.append(result)
    return results

import datetime
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError

from referrals.clients.identity import blind_index, decrypt, encrypt, hetu_make
from referrals.models import Client
from referrals.selectors import client_find_by_index
from retention.keys import ENCRYPTED_FIELDS, field_keys_rotate

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_field_key", stdout=out, **options)
    return out.getvalue()


def test_rotation_reencrypts_under_the_new_key_and_is_idempotent(personas, settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    codes = {
        ClientFactory(hetu=hetu_make(datetime.date(1961, 1, day), 200 + day)).pk: hetu_make(
            datetime.date(1961, 1, day), 200 + day
        )
        for day in range(1, 6)
    }
    total = Client.objects.exclude(hetu_encrypted="").count()
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    indexes = dict(Client.objects.values_list("pk", "hetu_index"))

    output = rotate(batch_size=2)
    assert f"referrals.Client.hetu_encrypted: {total} re-encrypted, 0 already" in output

    # Old-key-only values are now readable with the new key alone.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    for pk, code in codes.items():
        token = Client.objects.get(pk=pk).hetu_encrypted
        assert Fernet(new.encode()).decrypt(token.encode()).decode() == code
        assert decrypt(token) == code
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(
            Client.objects.get(pk=next(iter(codes))).hetu_encrypted.encode()
        )
    # The blind index is not touched: clients are still found by identity code.
    assert dict(Client.objects.values_list("pk", "hetu_index")) == indexes
    pk, code = next(iter(codes.items()))
    assert client_find_by_index(hetu_index=blind_index(code)).pk == pk

    # Again: nothing to do, nothing rewritten.
    tokens = dict(Client.objects.values_list("pk", "hetu_encrypted"))
    assert f": 0 re-encrypted, {total} already under the newest key" in rotate()
    assert dict(Client.objects.values_list("pk", "hetu_encrypted")) == tokens


def test_a_value_no_key_opens_is_reported_and_left_alone(personas, settings):
    client = ClientFactory(hetu=hetu_make(datetime.date(1962, 2, 2), 222))
    stranger = Fernet(Fernet.generate_key()).encrypt(b"020262-222X").decode()
    Client.objects.filter(pk=client.pk).update(hetu_encrypted=stranger)
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    with pytest.raises(CommandError, match="1 value"):
        rotate()
    assert Client.objects.get(pk=client.pk).hetu_encrypted == stranger


def test_rotation_leaves_no_value_behind_across_batches(personas, settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    # One value already written under the new key is counted, not rewritten.
    fresh = ClientFactory(hetu=hetu_make(datetime.date(1963, 3, 3), 333))
    results = field_keys_rotate(batch_size=1)
    assert len(results) == len(ENCRYPTED_FIELDS)
    assert results[0].current == 1
    assert results[0].rotated == Client.objects.exclude(hetu_encrypted="").count() - 1
    assert decrypt(Client.objects.get(pk=fresh.pk).hetu_encrypted) == hetu_make(
        datetime.date(1963, 3, 3), 333
    )


def test_every_field_written_with_encrypt_is_rotated():
    """A new encrypted field must be added to retention.keys.ENCRYPTED_FIELDS."""
    import ast
    from pathlib import Path

    from django.conf import settings as django_settings

    callers = set()
    for path in Path(django_settings.BASE_DIR).glob("*/*.py"):
        if path.parts[-2] in {"tests", "bench", ".venv", "var"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "encrypt":
                callers.add(path.relative_to(django_settings.BASE_DIR).as_posix())
    assert callers == {"referrals/services.py", "security/sealing.py"}
    assert [(model.__name__, name) for model, name in ENCRYPTED_FIELDS] == [
        ("Client", "hetu_encrypted"),
        ("AuthenticatorDevice", "key_sealed"),
    ]
    assert encrypt("x") != encrypt("x")  # Fernet tokens carry their own IV and time

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import connection

from referrals.clients.identity import (
    blind_index,
    decrypt,
    encrypt,
    hetu_birth_date,
    hetu_make,
    hetu_normalise,
)
from referrals.models import Client
from referrals.selectors import client_find_by_index

from ..factories import ClientFactory


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("131052-308T", datetime.date(1952, 10, 13)),
        ("010594Y202E", datetime.date(1994, 5, 1)),  # 2023 century sign for the 1900s
        ("020502E5021", datetime.date(2002, 5, 2)),  # 2023 century sign for the 2000s
        ("020502e5021", datetime.date(2002, 5, 2)),
    ],
)
def test_valid_codes_including_the_2023_century_signs(code, born):
    normal = hetu_normalise(code)
    assert normal == code.upper()
    assert hetu_birth_date(normal) == born


@pytest.mark.parametrize("code", ["131052-308U", "310252-308T", "abc", "131052-30", ""])
def test_invalid_codes_get_a_translated_error(code):
    with pytest.raises(ValidationError) as error:
        hetu_normalise(code)
    assert error.value.messages == ["Tämä ei ole kelvollinen henkilötunnus."]


def test_hetu_make_gives_valid_codes():
    assert hetu_normalise(hetu_make(datetime.date(2001, 12, 31), 402)) == "311201A402W"


@pytest.mark.django_db
def test_identity_code_is_only_ciphertext_in_the_database(personas):
    code = hetu_make(datetime.date(1977, 7, 7), 321)
    client = ClientFactory(hetu=code)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Client._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [client.pk])  # noqa: S608
        row = cursor.fetchone()
    assert row is not None
    assert not any(code in str(value) for value in row)
    assert not any(code.replace("-", "") in str(value) for value in row)
    assert decrypt(client.hetu_encrypted) == code
    assert client_find_by_index(hetu_index=blind_index(code)) == client
    assert client.birth_date == datetime.date(1977, 7, 7)


@pytest.mark.django_db
def test_a_duplicate_identity_code_is_refused_on_its_field(personas):
    code = hetu_make(datetime.date(1966, 6, 6), 111)
    ClientFactory(hetu=code)
    with pytest.raises(ValidationError) as error:
        ClientFactory(hetu=code.lower())
    assert list(error.value.message_dict) == ["hetu"]
    assert [e.code for e in error.value.error_dict["hetu"]] == ["duplicate"]


def test_rotated_keys_still_decrypt_old_values(settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    token = encrypt("131052-308T")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert decrypt(token) == "131052-308T"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(Exception):  # noqa: B017, PT011 - cryptography's InvalidToken
        decrypt(token)


@pytest.mark.django_db
def test_client_without_identity_code_gets_a_temporary_identifier(personas):
    client = ClientFactory(hetu="", birth_date=datetime.date(1990, 1, 2))
    assert client.temporary_id.startswith("POLKU-")
    assert client.hetu_index is None
    with pytest.raises(ValidationError) as error:
        ClientFactory(hetu="", birth_date=None)
    assert list(error.value.message_dict) == ["birth_date"]

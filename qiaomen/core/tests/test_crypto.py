from __future__ import annotations

import base64

import pytest
from django.test import override_settings

from qiaomen.core import crypto
from qiaomen.keys import parse_keyring


def test_round_trip_and_each_encryption_differs() -> None:
    first = crypto.encrypt("11010519491231002X", purpose="person.id_number")
    second = crypto.encrypt("11010519491231002X", purpose="person.id_number")
    assert first != second
    assert "11010519491231002X" not in first
    assert crypto.decrypt(first, purpose="person.id_number") == "11010519491231002X"


def test_a_flipped_byte_raises_instead_of_showing_garbage() -> None:
    token = crypto.encrypt("13800001111", purpose="person.phone")
    version, kid, payload = token.split(":", 2)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{version}:{kid}:{base64.b64encode(bytes(raw)).decode()}", purpose="person.phone")


def test_a_value_moved_to_another_column_does_not_decrypt() -> None:
    token = crypto.encrypt("13800001111", purpose="person.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, purpose="person.id_number")


def test_security_3_rows_written_under_the_old_key_still_read_after_rotation() -> None:
    old_key = base64.b64encode(b"o" * 32).decode()
    new_key = base64.b64encode(b"n" * 32).decode()
    index_key = base64.b64encode(b"i" * 32).decode()
    with override_settings(QIAOMEN_KEYS=parse_keyring(f"old:{old_key}", index_key)):
        written_before = crypto.encrypt("secret", purpose="p")
        index_before = crypto.blind_index("secret", purpose="p")
    with override_settings(QIAOMEN_KEYS=parse_keyring(f"new:{new_key},old:{old_key}", index_key)):
        assert crypto.decrypt(written_before, purpose="p") == "secret"
        assert crypto.key_id_of(crypto.encrypt("secret", purpose="p")) == "new"
        assert crypto.blind_index("secret", purpose="p") == index_before

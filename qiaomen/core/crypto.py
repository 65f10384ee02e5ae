"""Authenticated encryption of personal data and the blind index used to find it.

Ciphertext text format: ``<version>:<kid>:<base64(nonce || ciphertext+tag)>``. The key id lets
rows written under an old key still be read after rotation. The associated data (AES-GCM's
authenticated but unencrypted input) says where the value belongs:

- ``v2`` (written now): ``<db_table>.<column>.<row key>``, the row key being the row's own random
  UUID (`core.models.SealedRow`). A value copied into another row or column fails to decrypt
  instead of being shown as somebody else's.
- ``v1`` (read only): the column's purpose (``person.id_number``), which bound the column but not
  the row. `manage.py reencrypt` rewrites such values as v2.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from qiaomen.keys import KeyRing

FORMAT_VERSION = "v2"
LEGACY_VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext was tampered with, truncated, or written under a key we no longer have."""


def _keys() -> KeyRing:
    return settings.QIAOMEN_KEYS  # type: ignore[no-any-return]


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    """One AESGCM object per key: building it is a third of the cost of sealing a short value,
    and an import of 100,000 people seals several values per row."""
    return AESGCM(key)


def row_binding(table: str, column: str, row_key: object) -> str:
    """The associated data of a v2 value: which table, column and row it belongs to."""
    return f"{table}.{column}.{row_key}"


def encrypt(plaintext: str, *, binding: str, version: str = FORMAT_VERSION) -> str:
    """Seal `plaintext` under the current key for the place named by `binding` (row_binding).

    `version=LEGACY_VERSION` (binding = the column's purpose) is only for a model as a migration
    sees it before its table had row keys: what the code of that time wrote."""
    ring = _keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(ring.data_keys[ring.current_kid]).encrypt(
        nonce, plaintext.encode("utf-8"), binding.encode("utf-8")
    )
    return f"{version}:{ring.current_kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str, *, binding: str, legacy_purpose: str = "") -> str:
    """Open a value stored at `binding`; a v1 value is opened with its column's old purpose."""
    try:
        version, kid, payload = token.split(":", 2)
        raw = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if version == FORMAT_VERSION:
        associated = binding
    elif version == LEGACY_VERSION and legacy_purpose:
        associated = legacy_purpose
    else:
        raise DecryptionError(f"unknown ciphertext version {version!r}")
    key = _keys().data_keys.get(kid)
    if key is None:
        raise DecryptionError(f"no key {kid!r} in the key ring")
    try:
        plain = _cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated.encode("utf-8"))
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc
    return plain.decode("utf-8")


def current_prefix() -> str:
    """How every value written now starts: a stored value without it needs `reencrypt`."""
    return f"{FORMAT_VERSION}:{_keys().current_kid}:"


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


@lru_cache(maxsize=4)
def _keyed_hash(key: bytes) -> hmac.HMAC:
    """The HMAC state after absorbing the key; each index value copies it instead of keying anew."""
    return hmac.new(key, digestmod=hashlib.sha256)


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact search; the purpose keeps ID and phone indexes apart."""
    digest = _keyed_hash(_keys().index_key).copy()
    digest.update(f"{purpose}\x00{value}".encode())
    return digest.hexdigest()

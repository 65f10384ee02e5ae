"""The backup file: a database copy sealed with AES-GCM under the backup key.

Layout: ``QMBK1\\n`` · header length (4 bytes, big-endian) · header (JSON) · ciphertext · tag (16).
The header says which key sealed the file, the database kind, when, and carries the manifest
(row counts per table) sealed on its own; the header is the associated data of the body, so it
cannot be changed either. The body is streamed: a street's database need not fit in memory.

The backup key is `QIAOMEN_BACKUP_KEY` when set (one base64 AES-256 key, kept apart from the data
keys, e.g. with the off-site copies), else derived from the current data key with HKDF. Either
way no key is inside the file or the database: a restore needs the key ring of the installation.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"QMBK1\n"
TAG_BYTES = 16
CHUNK = 1 << 20
SEPARATE_KEY_ID = "backup"


class BackupError(Exception):
    """A backup file that is not ours, was changed, or cannot be opened with the keys at hand."""


@dataclass(frozen=True)
class Header:
    key_id: str
    vendor: str
    created_at: str
    manifest: dict[str, int]


def _backup_key(key_id: str) -> bytes:
    if key_id == SEPARATE_KEY_ID:
        if not settings.QIAOMEN_BACKUP_KEY:
            raise BackupError("this backup was sealed with QIAOMEN_BACKUP_KEY, which is not set")
        return settings.QIAOMEN_BACKUP_KEY  # type: ignore[no-any-return]
    data_key = settings.QIAOMEN_KEYS.data_keys.get(key_id)
    if data_key is None:
        raise BackupError(f"no data key {key_id!r} in the key ring to derive this backup's key from")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"qiaomen backup v1").derive(data_key)


def current_key_id() -> str:
    return SEPARATE_KEY_ID if settings.QIAOMEN_BACKUP_KEY else settings.QIAOMEN_KEYS.current_kid  # type: ignore[no-any-return]


def seal(plain: Path, out: Path, *, vendor: str, created_at: str, manifest: dict[str, int]) -> None:
    key_id = current_key_id()
    key = _backup_key(key_id)
    manifest_nonce = os.urandom(12)
    sealed_manifest = AESGCM(key).encrypt(manifest_nonce, json.dumps(manifest).encode(), b"manifest")
    body_nonce = os.urandom(12)
    header = json.dumps(
        {
            "key_id": key_id,
            "vendor": vendor,
            "created_at": created_at,
            "manifest": base64.b64encode(manifest_nonce + sealed_manifest).decode(),
            "nonce": base64.b64encode(body_nonce).decode(),
        }
    ).encode()
    encryptor = Cipher(algorithms.AES(key), modes.GCM(body_nonce)).encryptor()
    encryptor.authenticate_additional_data(header)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as sink, plain.open("rb") as source:
        sink.write(MAGIC + struct.pack(">I", len(header)) + header)
        while chunk := source.read(CHUNK):
            sink.write(encryptor.update(chunk))
        sink.write(encryptor.finalize() + encryptor.tag)


def _read_header(source: BinaryIO) -> tuple[bytes, dict[str, Any]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a Qiaomen backup file")
    (length,) = struct.unpack(">I", source.read(4))
    raw = source.read(length)
    try:
        return raw, json.loads(raw)
    except ValueError as exc:
        raise BackupError("the backup's header is damaged") from exc


@contextmanager
def opened(path: Path, workdir: Path) -> Iterator[tuple[Header, Path]]:
    """Decrypt `path` into `workdir`; yields the header and the plain copy only once the tag has
    been checked (a changed byte anywhere raises BackupError and leaves no plain copy)."""
    size = path.stat().st_size
    plain = workdir / "restore.db"
    with path.open("rb") as source:
        raw_header, fields = _read_header(source)
        body_start = source.tell()
        body_length = size - body_start - TAG_BYTES
        if body_length < 0:
            raise BackupError("the backup file is truncated")
        source.seek(size - TAG_BYTES)
        tag = source.read(TAG_BYTES)
        source.seek(body_start)
        key = _backup_key(fields["key_id"])
        try:
            sealed_manifest = base64.b64decode(fields["manifest"])
            manifest = json.loads(AESGCM(key).decrypt(sealed_manifest[:12], sealed_manifest[12:], b"manifest"))
            decryptor = Cipher(algorithms.AES(key), modes.GCM(base64.b64decode(fields["nonce"]), tag)).decryptor()
        except (InvalidTag, ValueError, KeyError) as exc:
            raise BackupError("the backup's manifest failed authentication") from exc
        decryptor.authenticate_additional_data(raw_header)
        left = body_length
        with plain.open("wb") as sink:
            while left:
                chunk = source.read(min(CHUNK, left))
                left -= len(chunk)
                sink.write(decryptor.update(chunk))
            try:
                sink.write(decryptor.finalize())
            except InvalidTag as exc:
                sink.close()
                plain.unlink()
                raise BackupError("the backup failed authentication: it was changed or damaged") from exc
    try:
        yield Header(fields["key_id"], fields["vendor"], fields["created_at"], manifest), plain
    finally:
        plain.unlink(missing_ok=True)

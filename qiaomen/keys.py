"""Where the data-encryption keys come from.

The keys live outside the repository and the database (SECURITY.md line 3):
- `QIAOMEN_DATA_KEY`: one or more AES-256 keys, `kid:base64,kid:base64`; the first one encrypts,
  all of them decrypt, so that a key can be rotated without rewriting every row at once.
- `QIAOMEN_INDEX_KEY`: the HMAC key of the blind index (exact search). It never rotates with the
  data key: changing it would orphan every index value.
- or `QIAOMEN_KEY_FILE`: a file holding both lines as `NAME=value`.

Outside production a missing key file is created under `var/` on first start, so that
`make run` works on a fresh checkout; in production a missing key refuses to start.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


@dataclass(frozen=True)
class KeyRing:
    current_kid: str
    data_keys: dict[str, bytes]
    index_key: bytes


def _decode_key(name: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must decode to {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def parse_keyring(data_key_spec: str, index_key_spec: str) -> KeyRing:
    data_keys: dict[str, bytes] = {}
    current = ""
    for part in data_key_spec.split(","):
        part = part.strip()
        if not part:
            continue
        kid, sep, encoded = part.partition(":")
        if not sep or not kid.isalnum():
            raise ImproperlyConfigured("QIAOMEN_DATA_KEY entries look like kid:base64key")
        data_keys[kid] = _decode_key(f"QIAOMEN_DATA_KEY[{kid}]", encoded)
        current = current or kid
    if not data_keys:
        raise ImproperlyConfigured("QIAOMEN_DATA_KEY holds no key")
    return KeyRing(current, data_keys, _decode_key("QIAOMEN_INDEX_KEY", index_key_spec))


def new_key_text() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def read_key_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip()
    return values


def write_new_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = (
        "# Qiaomen data keys. Keep this file out of the repository and the database backups.\n"
        f"QIAOMEN_DATA_KEY=k1:{new_key_text()}\n"
        f"QIAOMEN_INDEX_KEY={new_key_text()}\n"
    )
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(body)


def load_keyring(*, production: bool, default_key_file: Path) -> KeyRing:
    data_spec = os.environ.get("QIAOMEN_DATA_KEY", "").strip()
    index_spec = os.environ.get("QIAOMEN_INDEX_KEY", "").strip()
    if data_spec and index_spec:
        return parse_keyring(data_spec, index_spec)
    key_file = os.environ.get("QIAOMEN_KEY_FILE")
    if key_file:
        path = Path(key_file)
    elif production:
        raise ImproperlyConfigured(
            "Production needs QIAOMEN_DATA_KEY and QIAOMEN_INDEX_KEY (or QIAOMEN_KEY_FILE); "
            "there is no default key in production."
        )
    else:
        path = default_key_file
        if not path.exists():
            write_new_key_file(path)
    if not path.exists():
        raise ImproperlyConfigured(f"QIAOMEN_KEY_FILE={path} does not exist")
    values = read_key_file(path)
    return parse_keyring(
        data_spec or values.get("QIAOMEN_DATA_KEY", ""),
        index_spec or values.get("QIAOMEN_INDEX_KEY", ""),
    )


def load_backup_key() -> bytes | None:
    """`QIAOMEN_BACKUP_KEY` (or the file named by `QIAOMEN_BACKUP_KEY_FILE`): one base64 AES-256
    key that seals the backups, kept apart from the data keys; None: derive it from the data key."""
    text = os.environ.get("QIAOMEN_BACKUP_KEY", "").strip()
    file_name = os.environ.get("QIAOMEN_BACKUP_KEY_FILE", "").strip()
    if not text and file_name:
        text = Path(file_name).read_text(encoding="utf-8").strip()
    return _decode_key("QIAOMEN_BACKUP_KEY", text) if text else None

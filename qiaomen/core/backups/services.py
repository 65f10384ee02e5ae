"""backup_create, backup_verify, backup_restore and backup_prune, for the commands and the job."""

from __future__ import annotations

import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from qiaomen.core.backups import engines
from qiaomen.core.backups.files import BackupError, Header, opened, seal
from qiaomen.core.crypto import DecryptionError

SUFFIX = ".qmbk"
SAMPLE_PER_COLUMN = 5


@dataclass
class BackupCheck:
    header: Header
    counts: dict[str, int] = field(default_factory=dict)
    decrypted: int = 0


def _vendor(db: dict[str, Any]) -> str:
    return "postgresql" if "postgresql" in db["ENGINE"] else "sqlite"


@contextmanager
def _workdir() -> Iterator[Path]:
    """A private directory (0700) for the plain copy, removed whatever happens."""
    with tempfile.TemporaryDirectory(prefix="qiaomen-backup-") as name:
        yield Path(name)


def backup_create(*, out_dir: Path) -> Path:
    """Seal a consistent copy of the configured database into `out_dir`; return the file."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    vendor = _vendor(db)
    created = timezone.now()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"qiaomen-{created:%Y%m%dT%H%M%S%fZ}{SUFFIX}"
    with _workdir() as work:
        copy = work / "copy"
        try:
            if vendor == "sqlite":
                manifest = engines.sqlite_snapshot(str(db["NAME"]), copy)
            else:
                manifest = engines.postgres_snapshot(db, copy)
        except subprocess.CalledProcessError as exc:
            raise BackupError(f"pg_dump: {exc.stderr.decode(errors='replace').strip()}") from exc
        seal(copy, out, vendor=vendor, created_at=created.isoformat(), manifest=manifest)
    return out


def _check_database(db: Any, check: BackupCheck) -> None:
    """Row counts per table against the manifest, and a sample of every encrypted column
    decrypted with the data keys (a backup of ciphertexts nobody can read is no backup).
    `db` is a DB-API connection to the copy or the restored database."""
    cursor = db.cursor()
    for table in sorted(check.header.manifest):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the sealed manifest)
        check.counts[table] = cursor.fetchone()[0]
    wrong = {t: (n, check.counts[t]) for t, n in check.header.manifest.items() if check.counts[t] != n}
    if wrong:
        raise BackupError(f"row counts differ from the manifest (expected, found): {wrong}")
    for model in apps.get_models():
        for column in model._meta.concrete_fields:
            if not getattr(column, "purpose", "") or model._meta.db_table not in check.header.manifest:
                continue
            # v2 values are bound to their row (core.crypto): open each with its row's key, as the
            # model's attribute would; a table without row keys holds only column-bound v1 values.
            row_key = '"row_key"' if any(f.name == "row_key" for f in model._meta.concrete_fields) else "NULL"
            cursor.execute(
                f'SELECT "{column.column}", {row_key} FROM "{model._meta.db_table}" '  # noqa: S608
                f'WHERE "{column.column}" IS NOT NULL AND "{column.column}" <> \'\' LIMIT {SAMPLE_PER_COLUMN}'
            )
            for value, key in cursor.fetchall():
                try:
                    column.open(value, row_key=uuid.UUID(str(key)) if key is not None else None)  # type: ignore[attr-defined]
                except DecryptionError as exc:
                    raise BackupError(f"{model._meta.label}.{column.name} does not decrypt: {exc}") from exc
                check.decrypted += 1


def backup_verify(*, path: Path) -> BackupCheck:
    """Authentication tag, integrity, counts against the manifest, a decrypted sample. On
    PostgreSQL the dump's table of contents is checked; counts and sample once restored."""
    with _workdir() as work, opened(path, work) as (header, copy):
        check = BackupCheck(header)
        if header.vendor == "sqlite":
            engines.sqlite_check(copy)
            with engines.opened_database({"ENGINE": "sqlite", "NAME": str(copy)}) as db:
                _check_database(db, check)
        else:
            missing = {t for t, n in header.manifest.items() if n} - engines.postgres_check(copy)
            if missing:
                raise BackupError(f"the dump lacks the data of {sorted(missing)}")
        return check


def backup_restore(*, path: Path, into: dict[str, Any] | None = None) -> BackupCheck:
    """Restore onto an empty database (the configured one unless `into` names another), then
    check it as backup_verify does."""
    db = dict(into or connections[DEFAULT_DB_ALIAS].settings_dict)
    with _workdir() as work, opened(path, work) as (header, copy):
        if header.vendor != _vendor(db):
            raise BackupError(f"a {header.vendor} backup cannot be restored into {_vendor(db)}")
        check = BackupCheck(header)
        if header.vendor == "sqlite":
            engines.sqlite_check(copy)
            engines.sqlite_restore(copy, str(db["NAME"]))
        else:
            engines.postgres_restore(copy, db)
        with engines.opened_database(db) as opened_db:
            _check_database(opened_db, check)
        return check


def backup_prune(*, directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of `directory` (names sort by time)."""
    backups = sorted(directory.glob(f"qiaomen-*{SUFFIX}"))
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink()
    return doomed

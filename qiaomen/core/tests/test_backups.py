"""Backups (SECURITY 33): consistent under write load, encrypted, verified, restored only onto an
empty database, the newest N kept."""

from __future__ import annotations

import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.utils import timezone
from pytest_django.fixtures import Settings

from qiaomen.core.backups.engines import opened_database
from qiaomen.core.backups.files import BackupError
from qiaomen.core.backups.services import backup_create, backup_prune, backup_restore, backup_verify
from qiaomen.core.models import TransitionEvent
from qiaomen.testing import SmallStreet

SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's copy; on PostgreSQL the dump is checked once restored"
)
DUMP_TOOLS = pytest.mark.skipif(
    connection.vendor == "postgresql" and shutil.which("pg_dump") is None, reason="pg_dump is not installed"
)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the same kind as the test database, to restore into."""
    if connection.vendor == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "fresh.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**connection.settings_dict, "NAME": name}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Writer(threading.Thread):
    """Another worker committing rows one by one until told to stop; `committed` holds the ids
    whose commit has returned."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                event = TransitionEvent.objects.create(
                    object_type="load.test",
                    object_id="1",
                    action="write",
                    old_status="a",
                    new_status="b",
                    at=timezone.now(),
                )
                with self.progress:
                    self.committed.append(event.pk)
                    self.progress.notify_all()
        finally:
            close_old_connections()
            connection.close()

    def wait_for(self, count: int) -> list[int]:
        with self.progress:
            self.progress.wait_for(lambda: len(self.committed) >= count, timeout=60)
            return list(self.committed)


@DUMP_TOOLS
@pytest.mark.django_db(transaction=True)
def test_security_33_a_backup_taken_under_write_load_restores_every_row_committed_before_it(
    small_street: SmallStreet, tmp_path: Path, fresh_database: dict[str, Any]
) -> None:
    writer = Writer()
    writer.start()
    try:
        before = writer.wait_for(20)
        path = backup_create(out_dir=tmp_path / "backups")
        after = writer.wait_for(len(before) + 20)  # the writes went on
    finally:
        writer.stop.set()
        writer.join()
    assert len(after) > len(before)

    assert backup_verify(path=path).header.manifest["core_transitionevent"] >= len(before)
    restored = backup_restore(path=path, into=fresh_database)

    assert restored.counts == restored.header.manifest  # backup_restore checks it too
    with opened_database(fresh_database) as fresh:
        cursor = fresh.cursor()
        cursor.execute("SELECT id FROM core_transitionevent")
        ids = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM registry_person")
        people = cursor.fetchone()[0]
    assert set(before) <= ids
    assert people == restored.header.manifest["registry_person"] == 3
    assert restored.decrypted > 0  # the ID numbers, phones and care notes read with the data keys
    # Sealed: no personal value and no table name in clear in the file.
    raw = path.read_bytes()
    for clear in (small_street.elder_a.name, small_street.elder_a.phone, "registry_person", "SQLite format"):
        assert clear.encode() not in raw


@SQLITE_ONLY
@pytest.mark.django_db(transaction=True)  # the backup reads committed rows, as in production
def test_security_33_verify_checks_the_tag_the_counts_and_a_decrypted_sample(
    small_street: SmallStreet, tmp_path: Path
) -> None:
    path = backup_create(out_dir=tmp_path)
    check = backup_verify(path=path)
    assert check.counts == check.header.manifest and check.decrypted > 0

    damaged = tmp_path / "damaged.qmbk"
    shutil.copy(path, damaged)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="failed authentication"):
        backup_verify(path=damaged)
    # The commands an operator runs.
    out = io.StringIO()
    call_command("backup_verify", str(path), stdout=out)
    assert out.getvalue().startswith("backup OK: sqlite") and "encrypted values decrypted" in out.getvalue()
    with pytest.raises(CommandError, match="backup NOT usable"):
        call_command("backup_verify", str(damaged))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_restore", str(path))


@SQLITE_ONLY
@pytest.mark.django_db
def test_security_33_a_restore_refuses_a_database_that_is_not_empty(small_street: SmallStreet, tmp_path: Path) -> None:
    path = backup_create(out_dir=tmp_path)
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(path=path)


@DUMP_TOOLS
@pytest.mark.django_db(transaction=True)
def test_security_33_a_separate_backup_key_is_needed_to_open_the_backup(
    small_street: SmallStreet, tmp_path: Path, settings: Settings
) -> None:
    settings.QIAOMEN_BACKUP_KEY = bytes(range(32))
    path = backup_create(out_dir=tmp_path)
    assert backup_verify(path=path).header.key_id == "backup"

    settings.QIAOMEN_BACKUP_KEY = None
    with pytest.raises(BackupError, match="QIAOMEN_BACKUP_KEY"):
        backup_verify(path=path)


def test_security_33_the_newest_n_backups_are_kept(tmp_path: Path) -> None:
    names = [f"qiaomen-2026120{day}T183000000000Z.qmbk" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")

    removed = backup_prune(directory=tmp_path, keep=3)

    assert [p.name for p in removed] == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", *names[2:]]

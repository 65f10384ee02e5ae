"""`migrate` alone makes the database cache's table: a fresh install that ran only `migrate`
answered every login with a server error, the lock-out counters having nowhere to live."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_migrate_alone_makes_the_cache_table(tmp_path: Path) -> None:
    database = tmp_path / "fresh.sqlite3"
    (tmp_path / "var").mkdir()
    left_out = {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "QIAOMEN_DATA_KEY", "QIAOMEN_INDEX_KEY", "QIAOMEN_KEY_FILE"}
    environment = {
        **{name: value for name, value in os.environ.items() if name not in left_out},
        "QIAOMEN_ENV": "dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "QIAOMEN_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        timeout=600,
    )
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "qiaomen_cache" in tables

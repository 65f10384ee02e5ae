"""SQLite connections are kept between requests, as PostgreSQL's are: a new connection parses
the whole schema before its first statement (about 2 ms of CPU on the bench machine), which held
every request on SQLite back (bench/visits_post.py). DB_CONN_MAX_AGE still sets how long."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _settings_of(environment: dict[str, str]) -> str:
    """CONN_MAX_AGE and ENGINE of the settings a process with `environment` would load."""
    code = "import qiaomen.settings as s; d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['ENGINE'])"
    keep = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**keep, "QIAOMEN_ENV": "dev", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "60 qiaomen.core.sqlite"),
        ({"DB_CONN_MAX_AGE": "0"}, "0 qiaomen.core.sqlite"),
        ({"DB_CONN_MAX_AGE": "300"}, "300 qiaomen.core.sqlite"),
    ],
)
def test_sqlite_keeps_its_connections_as_configured(tmp_path: Path, environment: dict[str, str], expected: str) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}"}
    assert _settings_of({**database, **environment}) == expected

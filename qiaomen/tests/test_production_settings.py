"""Production settings refuse what would expose personal data (issue 12, hole 7c)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def production_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check` under production settings with every secret given, in a fresh process
    (settings are read once per process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIAOMEN_", "DJANGO_"))}
    env.update(
        QIAOMEN_ENV="production",
        DJANGO_SECRET_KEY="s" * 50,
        QIAOMEN_DATA_KEY="p1:" + base64.b64encode(b"k" * 32).decode(),
        QIAOMEN_INDEX_KEY=base64.b64encode(b"i" * 32).decode(),
        QIAOMEN_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="qiaomen.settings",
        **extra,
    )
    command = [sys.executable, "manage.py", "check"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_hole_7_production_refuses_to_start_with_debug_on(tmp_path: Path, value: str) -> None:
    result = production_check(tmp_path, DJANGO_DEBUG=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_DEBUG" in result.stderr


@pytest.mark.parametrize("debug", [{}, {"DJANGO_DEBUG": "0"}])
def test_hole_7_production_starts_with_debug_off(tmp_path: Path, debug: dict[str, str]) -> None:
    result = production_check(tmp_path, **debug)

    assert result.returncode == 0, result.stderr

"""SECURITY.md line 16: Django's own deployment checks find nothing under production settings."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]


def _production_env(var_dir: Path) -> dict[str, str]:
    """What an operator sets for production (README, configuration): real secrets, no defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIAOMEN_", "DJANGO_", "DATABASE_"))}
    env.update(
        QIAOMEN_ENV="production",
        DJANGO_SETTINGS_MODULE="qiaomen.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="qiaomen.example.gov.cn",
        QIAOMEN_DATA_KEY="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        QIAOMEN_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        QIAOMEN_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
    )
    return env


@pytest.mark.slow
def test_security_16_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # One check is silenced, and only that one: django-ratelimit knows atomic caches only by the
    # names of memcached and django-redis, while ours (the database cache with atomic increments,
    # or Django's RedisCache) counts atomically too (settings.SILENCED_SYSTEM_CHECKS says why).
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert django_settings.SILENCED_SYSTEM_CHECKS == ["django_ratelimit.W001"]


@pytest.mark.slow
def test_security_16_the_check_sees_a_weak_production_setting(tmp_path: Path) -> None:
    """The control: the same run fails when production drops HSTS, so the check above is real."""
    env = {**_production_env(tmp_path), "DJANGO_HSTS_SECONDS": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout

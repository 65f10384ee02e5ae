"""Hole 8: limits hold across server processes. Each case runs two real Django processes one
after the other against the same shared cache (the database cache, then Redis on 127.0.0.1:6379)
and shows that the second one continues the first one's count: with per-process counters it
would start again from zero, and three gunicorn workers would allow three times each limit."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings

from qiaomen.testing import PASSWORD, child_database_url, make_user

ROOT = Path(settings.BASE_DIR)
REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["database", "redis"])
def shared_cache(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment of a child server process for each shared cache."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiaomen.test_settings", "DATABASE_URL": child_database_url()}
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        if not _redis_answers():
            if os.environ.get("CI"):
                pytest.fail("Redis does not answer on 127.0.0.1:6379; .ci/run starts it")
            pytest.skip("no Redis on 127.0.0.1:6379 (apt-get install redis-server)")
        env["REDIS_URL"] = REDIS_URL
    return env


def _server(env: dict[str, str], *args: str) -> list[int]:
    """One more server process: the statuses it answered, in order."""
    done = subprocess.run(
        [sys.executable, "-m", "qiaomen.tests.server_process", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [int(line) for line in done.stdout.split()]


def _fresh_ip() -> str:
    # A new address each run: Redis keeps its counts between test runs.
    return f"198.18.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"


def test_hole_8_the_qr_guessing_limit_is_shared_across_processes(shared_cache: dict[str, str]) -> None:
    # A fixed window ends at a moment of its own (django-ratelimit offsets it by the key): with
    # ten minutes, two slow processes would sometimes straddle its end and start again from zero.
    # A window of about three years makes that a one-in-millions chance.
    env = {**shared_cache, "QIAOMEN_QR_MISSES_PER_IP": "4", "QIAOMEN_QR_MISS_WINDOW_SECONDS": str(10**8)}
    guess = ("GET", f"/q/{secrets.token_urlsafe(24)}")
    ip = _fresh_ip()
    assert _server(env, *guess, "3", ip) == [404, 404, 404]
    # Per process, this one would answer 404 three times more.
    assert _server(env, *guess, "3", ip) == [404, 429, 429]


def test_hole_8_the_login_lock_out_is_shared_across_processes(shared_cache: dict[str, str]) -> None:
    username = make_user(f"shared{secrets.randbelow(10**6)}", "grid_worker").username
    ip = _fresh_ip()
    wrong = ("POST", "/login/")
    assert _server(shared_cache, *wrong, "3", ip, f"username={username}", "password=wrong-password") == [200] * 3
    assert _server(shared_cache, *wrong, "2", ip, f"username={username}", "password=wrong-password") == [200] * 2
    # Five failures in all: locked in any process, for the right password too (200: the form
    # again with its message, where a login would redirect).
    assert _server(shared_cache, *wrong, "1", ip, f"username={username}", f"password={PASSWORD}") == [200]
    # The same person from another address is not locked (hole 8).
    assert _server(shared_cache, *wrong, "1", _fresh_ip(), f"username={username}", f"password={PASSWORD}") == [302]

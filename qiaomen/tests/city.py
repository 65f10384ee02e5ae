"""The city layout in a test (issue 17): a fresh PostgreSQL database, one Redis database, and real
server processes (gunicorn, huey consumers) started against both, as deploy/README.md lays them out.

PostgreSQL and Redis are the ones .ci/run uses (CI_POSTGRES_SERVER, 127.0.0.1:6379). Where one does
not answer, a test fails under CI with what to start, and elsewhere is skipped with the same words,
as the shared-limit and MQTT tests treat Redis and Mosquitto.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("CI_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
REDIS_SERVER = "redis://127.0.0.1:6379"
# Redis databases of their own, emptied before and after each test: huey's queue key and the cache
# keys are fixed names, so a shared database number would mix this test's work with anyone else's.
REDIS_DB_SERVERS = 14
REDIS_DB_CONSUMERS = 15


def require(service: str, answers: Callable[[], bool], how: str) -> None:
    if answers():
        return
    message = f"{service} does not answer; {how}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _postgres_answers() -> bool:
    try:
        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def redis_url(db: int) -> str:
    return f"{REDIS_SERVER}/{db}"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_SERVER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def require_postgres() -> None:
    require(f"PostgreSQL at {PG_SERVER}", _postgres_answers, "set CI_POSTGRES_SERVER or start PostgreSQL 15+")


def require_postgres_and_redis() -> None:
    require_postgres()
    require(f"Redis at {REDIS_SERVER}", _redis_answers, ".ci/run starts it (apt-get install redis-server)")


@contextmanager
def fresh_redis(db: int) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url(db))
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@dataclass(frozen=True)
class City:
    """One database and the settings every process of the city shares (deploy/qiaomen.env.example)."""

    database_url: str
    env: dict[str, str]

    def with_redis(self, db: int, **extra: str) -> dict[str, str]:
        return {**self.env, "REDIS_URL": redis_url(db), **extra}

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.database_url, autocommit=True)


@contextmanager
def fresh_city(var_dir: Path) -> Iterator[City]:
    """A new PostgreSQL database, migrated, dropped at the end; the environment of its processes:
    one secret key, one pair of data keys, one upload folder."""
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    name = f"qiaomen_citytest_{secrets.token_hex(4)}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    database_url = f"{PG_SERVER}/{name}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIAOMEN_", "DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        QIAOMEN_DATA_KEY="c1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        QIAOMEN_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        QIAOMEN_VAR_DIR=str(var_dir),
        QIAOMEN_UPLOAD_DIR=str(var_dir / "shared-uploads"),
        DJANGO_SETTINGS_MODULE="qiaomen.settings",
        QIAOMEN_ENV="dev",
    )
    try:
        run_python(env, "manage.py", "migrate", "--noinput", "--verbosity", "0")
        yield City(database_url, env)
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run_python(env: dict[str, str], *args: str) -> str:
    """A Python command of the project (manage.py …, -m …) to its end; its standard output."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-4000:]}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    """A long-running child (gunicorn, a huey consumer), its output kept in a file to read back."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, ready: Callable[[], bool], what: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            if self.popen.poll() is not None:
                code = self.popen.returncode
                pytest.fail(f"{self.name} stopped (exit {code}) before {what}:\n{self.output()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.name}: no {what} within {seconds} s:\n{self.output()[-4000:]}")
            time.sleep(0.2)

    def wait_for_line(self, text: str, seconds: float = 90) -> None:
        self.wait_for(lambda: text in self.output(), repr(text), seconds)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send `sig` (SIGINT lets a huey consumer finish the task in hand) and wait for the exit."""
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        return self.popen.returncode


@contextmanager
def processes() -> Iterator[list[Process]]:
    """Children started inside the block are stopped when it ends, whatever happened."""
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in started:
            process.stop()


def port_answers(port: int) -> Callable[[], bool]:
    def answers() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    return answers


def gunicorn(name: str, port: int, env: dict[str, str], log_dir: Path) -> Process:
    """An app server as deploy/qiaomen-web@.service starts one, on 127.0.0.1:port."""
    command = [
        str(BIN / "gunicorn"),
        "qiaomen.wsgi:application",
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    server = Process(name, command, env, log_dir)
    server.wait_for(port_answers(port), f"an answer on port {port}")
    return server

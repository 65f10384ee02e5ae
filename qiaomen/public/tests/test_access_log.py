"""Residents' tokens never reach a log (issue 12, hole 7a; SECURITY line 6).

The QR door code in `/q/<token>` opens a household's page to whoever holds it; gunicorn's access
log and Django's request log keep the path's shape with the token replaced.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qiaomen.core.log_redaction import HIDDEN, redact
from qiaomen.public.tests.conftest import Doors
from qiaomen.testing import child_database_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('GET /q/AbC-12_x HTTP/1.1" 200', f'GET /q/{HIDDEN} HTTP/1.1" 200'),
        ("GET /r/AbC-12_x/ HTTP/1.1", f"GET /r/{HIDDEN}/ HTTP/1.1"),
        ("https://qiaomen.example.gov.cn/q/AbC%2F12?x=1", f"https://qiaomen.example.gov.cn/q/{HIDDEN}?x=1"),
        ("POST /open311/v2/requests.json?api_key=k3y&lat=1", f"POST /open311/v2/requests.json?api_key={HIDDEN}&lat=1"),
        ("GET /tickets/12/ HTTP/1.1", "GET /tickets/12/ HTTP/1.1"),
        ("GET /static/web/app.css", "GET /static/web/app.css"),
    ],
)
def test_hole_7_redact_replaces_tokens_and_keeps_other_paths(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_hole_7_djangos_request_log_replaces_the_token() -> None:
    # The console handler the settings give django.request (a 500 on the QR page logs its path).
    [handler] = [h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler]
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/q/Secret-Token",), None
    )

    assert handler.filter(record)
    line = handler.format(record)
    assert "Secret-Token" not in line and f"/q/{HIDDEN}" in line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening within 60 s")


def fetch(port: int, path: str, **headers: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_hole_7_gunicorns_access_log_shows_the_qr_path_without_its_token(doors: Doors) -> None:
    """A real gunicorn, started with the configuration `make run` uses, serves a real door code
    from the test database; its access log names the page and the status, never the token."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiaomen.settings",
        "QIAOMEN_ENV": "test",
        "DATABASE_URL": child_database_url(),  # the test database, SQLite or PostgreSQL
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "qiaomen.wsgi:application"),
        *("--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_listening(port, server)
        # The resident opens the page, then a link on it: the Referer carries the token too.
        assert fetch(port, Doors.url(doors.token_a)) == 200
        fetch(port, "/static/web/app.css", Referer=f"http://127.0.0.1:{port}{Doors.url(doors.token_a)}")
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    log = out + err
    assert doors.token_a not in log
    assert f'"GET /q/{HIDDEN} HTTP/1.1" 200' in log
    assert f"/q/{HIDDEN}" in log.split("/static/web/app.css", 1)[1]  # the Referer, redacted

"""Issue 17, several app servers: two gunicorn instances on one PostgreSQL database and one Redis
serve the same street with no sticky sessions. A login on one is a login on the other, and the
same visit sent to both at once is recorded once."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from pathlib import Path

import pytest
import requests

from qiaomen.tests.city import (
    REDIS_DB_SERVERS,
    free_port,
    fresh_city,
    fresh_redis,
    gunicorn,
    processes,
    require_postgres_and_redis,
    run_python,
)
from qiaomen.visits.models import Visit

pytestmark = pytest.mark.slow
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _log_in(base: str, username: str, password: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/login/", timeout=30)
    assert page.status_code == 200
    token = CSRF_FIELD.search(page.text)
    assert token, "the login page carries its CSRF field"
    answer = browser.post(
        f"{base}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[-2000:]
    assert "sessionid" in browser.cookies
    return browser


def test_a_login_on_one_server_holds_on_another_and_a_visit_sent_to_both_is_recorded_once(tmp_path: Path) -> None:
    require_postgres_and_redis()
    with fresh_city(tmp_path / "var") as city, fresh_redis(REDIS_DB_SERVERS) as shared_cache, processes() as started:
        street = json.loads(run_python(city.env, "-m", "qiaomen.tests.city_setup", "street"))
        # QIAOMEN_ENV=test only so that pages find their static files without collectstatic; the
        # database, cache and sessions are the city's (cached_db on Redis).
        env = city.with_redis(REDIS_DB_SERVERS, QIAOMEN_ENV="test")
        port_a, port_b = free_port(), free_port()
        started.append(gunicorn("server-a", port_a, env, tmp_path))
        started.append(gunicorn("server-b", port_b, env, tmp_path))
        server_a, server_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        visits = f"/api/v1/visits?household_id={street['household_id']}"

        browser = _log_in(server_a, street["username"], street["password"])
        session_key = browser.cookies["sessionid"]
        assert any(session_key in key.decode() for key in shared_cache.scan_iter()), "the session is in Redis"
        assert requests.get(f"{server_b}{visits}", timeout=30).status_code == 401, "B knows nobody without it"
        assert browser.get(f"{server_b}{visits}", timeout=30).json() == {"items": [], "count": 0}

        # The phone's retry reaching the other server while the first copy is still in flight.
        visit = {
            "client_uuid": str(uuid.uuid4()),
            "household_id": street["household_id"],
            "visited_at": dt.datetime.now(dt.UTC).isoformat(),
            "outcome": "met",
            "answers": {"health": "良好", "safety": "安全"},
        }
        csrf_token = browser.cookies["csrftoken"]  # the login's new one
        assert csrf_token
        headers = {"X-CSRFToken": csrf_token}
        barrier = threading.Barrier(2)
        answers: dict[str, requests.Response] = {}

        def send(base: str) -> None:
            barrier.wait()
            answers[base] = browser.post(f"{base}/api/v1/visits", json=visit, headers=headers, timeout=60)

        threads = [threading.Thread(target=send, args=(base,)) for base in (server_a, server_b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert [answers[base].status_code for base in (server_a, server_b)] == [201, 201], answers
        assert answers[server_a].json() == answers[server_b].json(), "the second copy gets the first answer"
        listed = browser.get(f"{server_a}{visits}", timeout=30).json()
        assert listed["count"] == 1 and listed["items"][0]["client_uuid"] == visit["client_uuid"]
        with city.connect() as database:
            rows = database.execute(
                f"SELECT count(*) FROM {Visit._meta.db_table} WHERE client_uuid = %s",  # noqa: S608 - our table name
                [visit["client_uuid"]],
            ).fetchone()
        assert rows == (1,)

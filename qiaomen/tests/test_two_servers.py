"""Issue 17, several app servers: two gunicorn instances on one PostgreSQL database, one Redis and
one upload folder serve the same street with no sticky sessions. A login on one is a login on the
other, the same visit sent to both at once is recorded once, and a photo uploaded through one is
served by the other."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from qiaomen.tests.city import (
    REDIS_DB_SERVERS,
    City,
    free_port,
    fresh_city,
    fresh_redis,
    gunicorn,
    processes,
    require_postgres_and_redis,
    run_python,
)
from qiaomen.visits.models import Visit
from qiaomen.visits.tests.test_photos import jpeg_with_gps

pytestmark = pytest.mark.slow
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PHOTO_LINK = re.compile(r'href="(/tickets/photos/\d+/)"')


@dataclass(frozen=True)
class TwoServers:
    city: City
    shared_cache: redis.Redis
    street: dict[str, Any]
    server_a: str
    server_b: str


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoServers]:
    require_postgres_and_redis()
    folder = tmp_path_factory.mktemp("two-servers")
    with fresh_city(folder / "var") as city, fresh_redis(REDIS_DB_SERVERS) as shared_cache, processes() as started:
        street = json.loads(run_python(city.env, "-m", "qiaomen.tests.city_setup", "street"))
        # QIAOMEN_ENV=test only so that pages find their static files without collectstatic; the
        # database, cache, sessions and upload folder are the city's (cached_db on Redis).
        env = city.with_redis(REDIS_DB_SERVERS, QIAOMEN_ENV="test")
        port_a, port_b = free_port(), free_port()
        started.append(gunicorn("server-a", port_a, env, folder))
        started.append(gunicorn("server-b", port_b, env, folder))
        yield TwoServers(city, shared_cache, street, f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}")


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


def _csrf_header(browser: requests.Session) -> dict[str, str]:
    token = browser.cookies["csrftoken"]  # the one the login issued
    assert token
    return {"X-CSRFToken": token}


def test_a_login_on_one_server_holds_on_another_and_a_visit_sent_to_both_is_recorded_once(
    two_servers: TwoServers,
) -> None:
    server_a, server_b, street = two_servers.server_a, two_servers.server_b, two_servers.street
    visits = f"/api/v1/visits?household_id={street['household_id']}"

    browser = _log_in(server_a, street["username"], street["password"])
    session_key = browser.cookies["sessionid"]
    assert session_key
    assert any(session_key in key.decode() for key in two_servers.shared_cache.scan_iter()), "the session is in Redis"
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
    barrier = threading.Barrier(2)
    answers: dict[str, requests.Response] = {}

    def send(base: str) -> None:
        barrier.wait()
        answers[base] = browser.post(f"{base}/api/v1/visits", json=visit, headers=_csrf_header(browser), timeout=60)

    threads = [threading.Thread(target=send, args=(base,)) for base in (server_a, server_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answers[base].status_code for base in (server_a, server_b)] == [201, 201], answers
    assert answers[server_a].json() == answers[server_b].json(), "the second copy gets the first answer"
    listed = browser.get(f"{server_a}{visits}", timeout=30).json()
    assert listed["count"] == 1 and listed["items"][0]["client_uuid"] == visit["client_uuid"]
    with two_servers.city.connect() as database:
        rows = database.execute(
            f"SELECT count(*) FROM {Visit._meta.db_table} WHERE client_uuid = %s",  # noqa: S608 - our table name
            [visit["client_uuid"]],
        ).fetchone()
    assert rows == (1,)


def test_a_photo_uploaded_through_one_server_is_served_by_the_other(two_servers: TwoServers) -> None:
    server_a, server_b, street = two_servers.server_a, two_servers.server_b, two_servers.street
    browser = _log_in(server_a, street["username"], street["password"])
    created = browser.post(
        f"{server_a}/tickets/new/",
        data={
            "household": street["household_id"],
            "description": "楼道灯坏了",
            "subcategory": "LIF-FAC",
            "create": "1",
        },
        files={"photos": ("light.jpg", jpeg_with_gps(), "image/jpeg")},
        headers=_csrf_header(browser),
        allow_redirects=False,
        timeout=60,
    )
    assert created.status_code == 302, created.text[-2000:]

    detail = browser.get(f"{server_b}{created.headers['Location']}", timeout=30)
    assert detail.status_code == 200
    link = PHOTO_LINK.search(detail.text)
    assert link, "server B lists the photo server A stored"
    photo = browser.get(f"{server_b}{link.group(1)}", timeout=30)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert photo.content.startswith(b"\xff\xd8"), "a JPEG read from the shared folder"
    shared = Path(two_servers.city.env["QIAOMEN_UPLOAD_DIR"])
    assert photo.content in [path.read_bytes() for path in shared.rglob("*") if path.is_file()]

"""Browser sessions end on time whatever else the request carries (SECURITY line 14, issue 12 hole 2).

Session and token are separate paths: the cookie session is always timed out, and a request that
presents an `Authorization` header is judged by that header alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.testing import PASSWORD, SmallStreet

Headers = Callable[[str], dict[str, str]]
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=2)
# Something a grid worker may read, through the API (401 once signed out) and as a page.
API_PROBE = "/api/v1/places"
PAGE_PROBE = reverse("web:home")
# Every kind of credential that is not a usable token: forged, empty, another scheme, blank.
UNUSABLE_AUTHORIZATION = ["Bearer forged-token", "Bearer ", "Basic d29ya2VyMTpzZWNyZXQ=", "Token abc", ""]


@pytest.fixture(autouse=True)
def _short_lifetimes(settings: Settings) -> None:
    settings.SESSION_IDLE_SECONDS = int(IDLE.total_seconds())
    settings.SESSION_ABSOLUTE_SECONDS = int(ABSOLUTE.total_seconds())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def login(client: Client) -> None:
    response = client.post(reverse("web:login"), {"username": "worker1", "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.parametrize("authorization", UNUSABLE_AUTHORIZATION)
def test_hole_2_an_idle_session_times_out_whatever_authorization_header_comes_with_it(
    client: Client, small_street: SmallStreet, authorization: str
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        login(client)
        assert client.get(API_PROBE).status_code == 200

        traveller.move_to(START + IDLE + dt.timedelta(seconds=1))
        response = client.get(API_PROBE, headers={"Authorization": authorization})

        assert response.status_code == 401
        assert not signed_in(client)
        assert client.get(API_PROBE).status_code == 401


def test_hole_2_a_valid_token_of_someone_else_does_not_keep_an_expired_session_alive(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        headers = bearer("worker_b")
        login(client)

        traveller.move_to(START + ABSOLUTE + dt.timedelta(seconds=1))
        # The token answers for itself (it is valid for hours) ...
        assert client.get(API_PROBE, headers=headers).status_code == 200
        # ... and the cookie session that travelled with it has ended all the same.
        assert not signed_in(client)
        assert client.get(API_PROBE).status_code == 401


@pytest.mark.parametrize("authorization", UNUSABLE_AUTHORIZATION)
def test_hole_2_an_unusable_credential_is_401_beside_a_live_session(
    client: Client, small_street: SmallStreet, authorization: str
) -> None:
    login(client)

    response = client.get(API_PROBE, headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert client.get(API_PROBE).status_code == 200  # the session itself was fine


def test_security_14_idle_time_out(client: Client, small_street: SmallStreet) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        login(client)

        traveller.move_to(START + IDLE)  # at the limit: still in, and the clock restarts
        assert client.get(API_PROBE).status_code == 200

        traveller.move_to(START + IDLE + IDLE)
        assert client.get(PAGE_PROBE).status_code in (200, 302) and signed_in(client)

        traveller.move_to(START + IDLE + IDLE + IDLE + dt.timedelta(seconds=1))
        response = client.get(PAGE_PROBE)
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
        assert not signed_in(client)


def test_security_14_absolute_lifetime_ends_even_an_active_session(client: Client, small_street: SmallStreet) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        login(client)
        step = IDLE - dt.timedelta(minutes=1)
        moment = START
        while moment + step <= START + ABSOLUTE:
            moment += step
            traveller.move_to(moment)
            assert client.get(API_PROBE).status_code == 200, moment

        traveller.move_to(START + ABSOLUTE + dt.timedelta(seconds=1))
        assert client.get(API_PROBE).status_code == 401
        assert not signed_in(client)


def test_security_14_login_gives_a_new_session_key(client: Client, small_street: SmallStreet) -> None:
    client.get(reverse("web:login"))
    key_before = client.session.session_key

    login(client)

    assert client.session.session_key != key_before
    assert key_before is None or not SessionStore(session_key=key_before).exists(key_before)


def test_security_14_logout_ends_the_session_on_the_server(client: Client, small_street: SmallStreet) -> None:
    login(client)
    key = client.session.session_key
    assert key is not None

    assert client.post(reverse("web:logout")).status_code == 302

    assert not SessionStore(session_key=key).exists(key)
    # The old cookie, sent again by someone who copied it, opens nothing.
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(API_PROBE).status_code == 401

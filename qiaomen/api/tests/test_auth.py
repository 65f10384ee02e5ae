from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from qiaomen.accounts.models import User
from qiaomen.accounts.services import LOGIN_FAILED_MESSAGE
from qiaomen.accounts.services_users import user_disable
from qiaomen.core.models import AuditEntry
from qiaomen.testing import PASSWORD, SmallStreet

TOKEN_URL = "/api/v1/auth/token"
REVOKE_URL = "/api/v1/auth/revoke"
PROBE_URL = "/api/v1/places"
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def issue(client: Client, username: str, password: str = PASSWORD) -> tuple[int, dict]:
    response = client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json")
    return response.status_code, response.json()


def bearer_of(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_issued_for_the_right_password_and_opens_the_api(client: Client, small_street: SmallStreet) -> None:
    response = client.post(TOKEN_URL, {"username": "worker1", "password": PASSWORD}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) >= 43  # 32 random bytes, URL-safe base64
    assert response["Cache-Control"] == "no-store"  # no session yet: the API itself says so
    assert client.get(PROBE_URL, headers=bearer_of(body["token"])).status_code == 200
    assert AuditEntry.objects.filter(action="auth.token_issue", actor=small_street.users["worker_a"]).count() == 1


def test_the_token_expires_after_the_configured_hours(client: Client, small_street: SmallStreet) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _, body = issue(client, "worker1")
        assert dt.datetime.fromisoformat(body["expires_at"]) == START + dt.timedelta(hours=settings.API_TOKEN_HOURS)

        traveller.move_to(START + dt.timedelta(hours=settings.API_TOKEN_HOURS, seconds=-1))
        assert client.get(PROBE_URL, headers=bearer_of(body["token"])).status_code == 200

        traveller.move_to(START + dt.timedelta(hours=settings.API_TOKEN_HOURS))
        assert client.get(PROBE_URL, headers=bearer_of(body["token"])).status_code == 401


@pytest.mark.parametrize("username", ["worker1", "no-such-user"])
def test_a_failed_login_answers_one_generic_message(client: Client, small_street: SmallStreet, username: str) -> None:
    status, body = issue(client, username, "wrong-password")

    assert status == 403
    assert body == {"code": "login_failed", "message": LOGIN_FAILED_MESSAGE}


def test_security_12_five_failures_lock_the_token_endpoint_too(client: Client, small_street: SmallStreet) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(settings.LOGIN_MAX_FAILURES):
            assert issue(client, "worker1", "wrong-password")[0] == 403

        status, body = issue(client, "worker1")
        assert (status, body["code"]) == (403, "login_failed")

        # That try while locked doubled the lock (hole 8: the delay grows).
        traveller.move_to(START + dt.timedelta(minutes=2 * settings.LOGIN_LOCK_MINUTES, seconds=1))
        assert issue(client, "worker1")[0] == 200


@pytest.mark.parametrize(
    "payload",
    [{}, {"username": "worker1"}, {"username": "", "password": "x"}, {"username": "w", "password": "x" * 2000}],
)
def test_malformed_credentials_answer_422_without_echoing_them(
    client: Client, small_street: SmallStreet, payload: dict
) -> None:
    response = client.post(TOKEN_URL, payload, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert b"xxxxxxxx" not in response.content


def test_a_body_that_is_not_json_answers_400_in_chinese(client: Client, small_street: SmallStreet) -> None:
    response = client.post(TOKEN_URL, "username=worker1&password=x", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "unreadable_body"


def test_revoking_ends_the_token_at_once(client: Client, small_street: SmallStreet) -> None:
    _, body = issue(client, "worker1")
    _, other = issue(client, "worker1")

    assert client.post(REVOKE_URL, headers=bearer_of(body["token"])).status_code == 204

    assert client.get(PROBE_URL, headers=bearer_of(body["token"])).status_code == 401
    assert client.post(REVOKE_URL, headers=bearer_of(body["token"])).status_code == 401
    assert client.get(PROBE_URL, headers=bearer_of(other["token"])).status_code == 200  # only the presented one


def test_revoking_needs_a_token_not_a_session(client: Client, small_street: SmallStreet) -> None:
    client.force_login(small_street.users["worker_a"])

    assert client.post(REVOKE_URL).status_code == 401


def test_a_disabled_users_token_stops_working_at_once(
    client: Client, small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    headers = bearer("worker_a")
    assert client.get(PROBE_URL, headers=headers).status_code == 200

    user_disable(user=small_street.users["worker_a"], by=small_street.users["street_admin"])

    assert client.get(PROBE_URL, headers=headers).status_code == 401


def test_a_token_of_a_user_deactivated_directly_in_the_database_stops_working(
    client: Client, small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    headers = bearer("worker_b")
    User.objects.filter(pk=small_street.users["worker_b"].pk).update(is_active=False)

    assert client.get(PROBE_URL, headers=headers).status_code == 401


def test_without_credentials_the_api_answers_401_in_chinese(client: Client, small_street: SmallStreet) -> None:
    response = client.get(PROBE_URL)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "请先登录".encode() in response.content


def test_a_bad_token_is_refused_even_beside_a_valid_session(client: Client, small_street: SmallStreet) -> None:
    client.force_login(small_street.users["worker_a"])

    assert client.get(PROBE_URL).status_code == 200
    assert client.get(PROBE_URL, headers=bearer_of("forged")).status_code == 401


def test_a_session_reads_the_api_and_its_answers_are_not_cached(client: Client, small_street: SmallStreet) -> None:
    client.force_login(small_street.users["worker_a"])

    response = client.get(PROBE_URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"

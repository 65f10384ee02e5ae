"""Lock-out, throttling and the generic message (SECURITY.md lines 10-12)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from qiaomen.accounts.models import User
from qiaomen.accounts.services import LOGIN_FAILED_MESSAGE, LoginFailed, user_authenticate
from qiaomen.core.models import AuditEntry
from qiaomen.testing import PASSWORD, SmallStreet

pytestmark = pytest.mark.django_db


def _request(ip: str = "10.0.0.1") -> HttpRequest:
    return RequestFactory().post("/login/", REMOTE_ADDR=ip)


def _fail(username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        with pytest.raises(LoginFailed):
            user_authenticate(username=username, password="wrong-password", request=_request(ip))


def test_a_good_password_logs_in_and_is_audited(small_street: SmallStreet) -> None:
    user = user_authenticate(username="worker1", password=PASSWORD, request=_request())
    assert user == small_street.users["worker_a"]
    row = AuditEntry.objects.get(action="auth.login", result="ok")
    assert (row.actor_id, row.ip) == (user.pk, "10.0.0.1")


def test_five_failures_lock_the_account_even_for_the_right_password(small_street: SmallStreet) -> None:
    _fail("worker1", 5)
    with pytest.raises(LoginFailed):
        user_authenticate(username="worker1", password=PASSWORD, request=_request())
    assert AuditEntry.objects.filter(action="auth.login", result="denied").count() == 6


def test_the_lock_ends_after_the_configured_time(small_street: SmallStreet) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        _fail("worker1", 5)
        traveller.shift(dt.timedelta(minutes=14))
        with pytest.raises(LoginFailed):
            user_authenticate(username="worker1", password=PASSWORD, request=_request())
        traveller.shift(dt.timedelta(minutes=16))
        assert user_authenticate(username="worker1", password=PASSWORD, request=_request()).username == "worker1"


def test_four_failures_then_success_resets_the_count(small_street: SmallStreet) -> None:
    _fail("worker1", 4)
    user_authenticate(username="worker1", password=PASSWORD, request=_request())
    _fail("worker1", 4)
    assert user_authenticate(username="worker1", password=PASSWORD, request=_request()).username == "worker1"


def test_unknown_user_and_wrong_password_get_the_same_message(small_street: SmallStreet) -> None:
    with pytest.raises(LoginFailed) as unknown:
        user_authenticate(username="no-such-user", password="x", request=_request())
    with pytest.raises(LoginFailed) as wrong:
        user_authenticate(username="worker1", password="x", request=_request())
    assert unknown.value.message == wrong.value.message == LOGIN_FAILED_MESSAGE


@override_settings(LOGIN_IP_MAX_FAILURES=3)
def test_one_address_guessing_many_accounts_is_throttled(small_street: SmallStreet) -> None:
    for name in ("a", "b", "c"):
        _fail(name, 1, ip="10.9.9.9")
    with pytest.raises(LoginFailed):
        user_authenticate(username="worker1", password=PASSWORD, request=_request("10.9.9.9"))
    assert user_authenticate(username="worker1", password=PASSWORD, request=_request("10.0.0.2"))


def test_a_disabled_account_cannot_log_in(small_street: SmallStreet) -> None:
    User.objects.filter(username="worker1").update(is_active=False)
    with pytest.raises(LoginFailed):
        user_authenticate(username="worker1", password=PASSWORD, request=_request())

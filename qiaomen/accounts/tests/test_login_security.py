"""Lock-out, throttling and the generic message (SECURITY.md line 12, hole 8 of issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from qiaomen.accounts.lockout import pair_is_locked
from qiaomen.accounts.models import User
from qiaomen.accounts.services import LOGIN_FAILED_MESSAGE, LoginFailed, user_authenticate
from qiaomen.core.models import AuditEntry
from qiaomen.testing import PASSWORD, SmallStreet

pytestmark = pytest.mark.django_db

OFFICE = "10.0.0.1"  # one NAT address for a whole community office
START = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def _request(ip: str = OFFICE) -> HttpRequest:
    return RequestFactory().post("/login/", REMOTE_ADDR=ip)


def _login(username: str, password: str = PASSWORD, ip: str = OFFICE) -> User:
    return user_authenticate(username=username, password=password, request=_request(ip))


def _fail(username: str, times: int, ip: str = OFFICE) -> None:
    for _ in range(times):
        with pytest.raises(LoginFailed):
            _login(username, "wrong-password", ip)


def test_a_good_password_logs_in_and_is_audited(small_street: SmallStreet) -> None:
    user = _login("worker1")
    assert user == small_street.users["worker_a"]
    row = AuditEntry.objects.get(action="auth.login", result="ok")
    assert (row.actor_id, row.ip) == (user.pk, OFFICE)


def test_security_12_five_failures_lock_for_the_configured_time(small_street: SmallStreet) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _fail("worker1", settings.LOGIN_MAX_FAILURES)
        assert pair_is_locked(username="worker1", ip=OFFICE)
        with pytest.raises(LoginFailed):
            _login("worker1")  # the right password, too
        denied = AuditEntry.objects.filter(action="auth.login", result="denied").order_by("pk")
        assert [row.detail["reason"] for row in denied][-2:] == ["locked", "locked"]
    with time_machine.travel(START, tick=False) as traveller:
        traveller.shift(dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES * 2, seconds=-1))
        assert pair_is_locked(username="worker1", ip=OFFICE)  # that try while locked doubled it
        traveller.shift(dt.timedelta(seconds=2))
        assert _login("worker1").username == "worker1"


def test_hole_8_the_delay_grows_with_each_try_while_locked(small_street: SmallStreet) -> None:
    base = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    with time_machine.travel(START, tick=False) as traveller:
        _fail("worker1", settings.LOGIN_MAX_FAILURES)
        traveller.shift(base - dt.timedelta(seconds=1))
        assert pair_is_locked(username="worker1", ip=OFFICE)
        traveller.shift(dt.timedelta(seconds=2))
        assert not pair_is_locked(username="worker1", ip=OFFICE)  # the first lock: the configured time

        _fail("worker1", settings.LOGIN_MAX_FAILURES)
        _fail("worker1", 2)  # two more tries while locked: 2 × 2 × the configured time
        traveller.shift(4 * base - dt.timedelta(seconds=1))
        assert pair_is_locked(username="worker1", ip=OFFICE)
        traveller.shift(dt.timedelta(seconds=2))
        assert not pair_is_locked(username="worker1", ip=OFFICE)


@override_settings(LOGIN_LOCK_MAX_MINUTES=60)
def test_hole_8_the_delay_stops_growing_at_the_ceiling(small_street: SmallStreet) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        _fail("worker1", settings.LOGIN_MAX_FAILURES + 10)
        traveller.shift(dt.timedelta(minutes=60, seconds=1))
        assert _login("worker1").username == "worker1"


def test_four_failures_then_success_resets_the_count(small_street: SmallStreet) -> None:
    _fail("worker1", 4)
    _login("worker1")
    _fail("worker1", 4)
    assert _login("worker1").username == "worker1"


def test_hole_8_the_only_street_admin_is_not_locked_out_by_an_attacker_elsewhere(small_street: SmallStreet) -> None:
    assert User.objects.filter(role="street_admin").count() == 1
    _fail("admin", settings.LOGIN_MAX_FAILURES * 3, ip="203.0.113.66")
    assert _login("admin", ip="10.1.2.3") == small_street.users["street_admin"]


def test_hole_8_an_office_behind_one_address_is_not_locked_by_one_users_failures(small_street: SmallStreet) -> None:
    # Far more than the lock-out, retried while locked too: only this person at this address waits.
    _fail("worker1", settings.LOGIN_MAX_FAILURES + settings.LOGIN_IP_MAX_FAILURES)
    assert _login("worker2") == small_street.users["worker_b"]
    assert _login("community1") == small_street.users["community_staff"]
    with pytest.raises(LoginFailed):
        _login("worker1")


@override_settings(LOGIN_IP_MAX_FAILURES=3)
def test_security_12_one_address_guessing_many_accounts_is_throttled(small_street: SmallStreet) -> None:
    for name in ("a", "b", "c"):
        _fail(name, 1, ip="10.9.9.9")
    with pytest.raises(LoginFailed):
        _login("worker1", ip="10.9.9.9")
    assert AuditEntry.objects.filter(action="auth.login", result="denied").last().detail == {"reason": "ip_throttled"}  # type: ignore[union-attr]
    assert _login("worker1", ip="10.0.0.2")


@override_settings(LOGIN_IP_MAX_FAILURES=3)
def test_security_12_one_generic_message_whatever_went_wrong(small_street: SmallStreet) -> None:
    messages = []
    for username, password, ip in [
        ("no-such-user", "x", "10.0.0.5"),  # unknown user
        ("worker1", "x", "10.0.0.5"),  # wrong password
        ("worker2", "x", "10.0.0.5"),  # the address is now throttled
    ]:
        with pytest.raises(LoginFailed) as refused:
            _login(username, password, ip)
        messages.append(refused.value.message)
    _fail("worker1", settings.LOGIN_MAX_FAILURES, ip="10.0.0.6")
    with pytest.raises(LoginFailed) as locked:
        _login("worker1", ip="10.0.0.6")
    assert set([*messages, locked.value.message]) == {LOGIN_FAILED_MESSAGE}


def test_a_disabled_account_cannot_log_in(small_street: SmallStreet) -> None:
    User.objects.filter(username="worker1").update(is_active=False)
    with pytest.raises(LoginFailed):
        _login("worker1")

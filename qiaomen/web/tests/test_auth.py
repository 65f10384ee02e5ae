"""Signing in and out (SECURITY lines 12, 14, 20) and where each role lands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.roles import Role
from qiaomen.accounts.services import LOGIN_FAILED_MESSAGE
from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.testing import PASSWORD, SmallStreet, make_user

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

LOGIN = reverse("web:login")


def _login(client: Client, username: str, password: str, **extra: str) -> _MonkeyPatchedWSGIResponse:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_signs_in_with_a_new_session_key_and_writes_an_audit_row(
    client: Client, small_street: SmallStreet
) -> None:
    client.get(LOGIN)
    key_before = client.session.session_key
    response = _login(client, "worker1", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session.session_key != key_before
    assert int(client.session["_auth_user_id"]) == small_street.users["worker_a"].pk
    row = AuditEntry.objects.get(action="auth.login")
    assert (row.actor_name, row.result) == ("worker1", AuditResult.OK)


def test_a_wrong_password_gets_the_generic_message_and_an_audit_row(client: Client, small_street: SmallStreet) -> None:
    response = _login(client, "worker1", "not-the-password")
    assert response.status_code == 200
    assert LOGIN_FAILED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    row = AuditEntry.objects.get(action="auth.login")
    assert (row.actor_name, row.result) == ("worker1", AuditResult.DENIED)


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client: Client, small_street: SmallStreet) -> None:
    unknown = _login(client, "no-such-user", "whatever-123").content.decode()
    assert LOGIN_FAILED_MESSAGE in unknown


def test_five_failures_lock_the_account_even_for_the_right_password(client: Client, small_street: SmallStreet) -> None:
    for _ in range(5):
        _login(client, "worker1", "wrong-password")
    response = _login(client, "worker1", PASSWORD)
    assert LOGIN_FAILED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.login", result=AuditResult.DENIED).count() == 6


def test_login_follows_a_local_next_but_not_another_site(client: Client, small_street: SmallStreet) -> None:
    places = reverse("web:place_tree")
    assert _login(client, "worker1", PASSWORD, next=places)["Location"] == places
    client.logout()
    assert _login(client, "worker1", PASSWORD, next="https://evil.example/")["Location"] == reverse("web:home")


@pytest.mark.parametrize("path", ["web:home", "web:registry_search", "web:place_tree", "web:audit_log"])
def test_pages_send_anonymous_visitors_to_the_login_page(client: Client, db: None, path: str) -> None:
    response = client.get(reverse(path))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_is_post_only_and_audited(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("worker_a")
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    row = AuditEntry.objects.get(action="auth.logout")
    assert row.actor_id == small_street.users["worker_a"].pk


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("street_admin", "web:registry_search"),
        ("worker_a", "web:worklist"),
        ("dept_handler", "web:ticket_inbox"),
        ("building_chief", "web:registry_search"),
        ("supervisor", "web:registry_search"),
        ("auditor", "web:audit_log"),
    ],
)
def test_home_sends_each_role_to_its_work(client_as: Callable[[str], Client], persona: str, target: str) -> None:
    response = client_as(persona).get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_home_sends_a_volunteer_to_their_own_page(client: Client, small_street: SmallStreet) -> None:
    client.force_login(make_user("volunteer_home", Role.VOLUNTEER))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("web:volunteer_me")


def test_a_department_handler_without_a_department_is_told_whom_to_ask(
    client: Client, small_street: SmallStreet
) -> None:
    client.force_login(make_user("dept_none", Role.DEPARTMENT_HANDLER))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "尚未关联部门或区域" in response.content.decode()

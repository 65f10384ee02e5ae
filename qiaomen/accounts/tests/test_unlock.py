"""Hole 8: a security admin unlocks a locked login; every unlock is audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from qiaomen.accounts.lockout import pair_is_locked
from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.security import locked_logins, login_unlock
from qiaomen.accounts.services import LoginFailed, user_authenticate
from qiaomen.core.errors import Forbidden, NotFound
from qiaomen.core.models import AuditEntry
from qiaomen.testing import PASSWORD, SmallStreet, make_user, sign_in

pytestmark = pytest.mark.django_db


def _lock(username: str, ip: str) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        with pytest.raises(LoginFailed):
            user_authenticate(
                username=username, password="wrong-password", request=RequestFactory().post("/", REMOTE_ADDR=ip)
            )


@pytest.fixture
def security_admin(small_street: SmallStreet) -> User:
    return make_user("security1", Role.SECURITY_ADMIN)


def test_hole_8_a_security_admin_unlocks_every_address_of_a_user_with_an_audit_row(
    small_street: SmallStreet, security_admin: User
) -> None:
    _lock("admin", "10.0.0.1")
    _lock("admin", "10.0.0.2")
    _lock("worker1", "10.0.0.1")
    assert {(row.username, row.ip) for row in locked_logins(by=security_admin)} == {
        ("admin", "10.0.0.1"),
        ("admin", "10.0.0.2"),
        ("worker1", "10.0.0.1"),
    }

    assert sorted(login_unlock(username="admin", by=security_admin)) == ["10.0.0.1", "10.0.0.2"]

    assert not pair_is_locked(username="admin", ip="10.0.0.1")
    assert pair_is_locked(username="worker1", ip="10.0.0.1")  # only the one user
    row = AuditEntry.objects.get(action="accounts.login_unlock")
    assert row.actor == security_admin
    assert (row.object_id, row.detail["username"]) == (str(small_street.users["street_admin"].pk), "admin")
    assert user_authenticate(username="admin", password=PASSWORD, request=RequestFactory().post("/"))


def test_hole_8_only_a_security_admin_unlocks(small_street: SmallStreet) -> None:
    _lock("worker1", "10.0.0.1")
    for persona in ("street_admin", "auditor"):
        with pytest.raises(Forbidden):
            login_unlock(username="worker1", by=small_street.users[persona])
    assert pair_is_locked(username="worker1", ip="10.0.0.1")
    assert not AuditEntry.objects.filter(action="accounts.login_unlock").exists()


def test_unlocking_someone_not_locked_is_a_clear_error(small_street: SmallStreet, security_admin: User) -> None:
    with pytest.raises(NotFound):
        login_unlock(username="worker1", by=security_admin)


def test_hole_8_the_unlock_button_on_the_locked_logins_page(
    client: Client, small_street: SmallStreet, security_admin: User
) -> None:
    _lock("worker1", "10.0.0.1")
    sign_in(client, security_admin)
    page = client.get(reverse("web:security_locks")).content.decode()
    assert "worker1" in page and "10.0.0.1" in page

    response = client.post(reverse("web:security_unlock"), {"username": "worker1"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:security_locks")
    assert not pair_is_locked(username="worker1", ip="10.0.0.1")
    assert "10.0.0.1" not in response.content.decode()  # the list is empty; the notice names the user


def test_the_locked_logins_page_is_the_security_admins_only(client: Client, small_street: SmallStreet) -> None:
    for persona in ("street_admin", "auditor", "worker_a"):
        sign_in(client, small_street.users[persona])
        assert client.get(reverse("web:security_locks")).status_code == 403
        assert client.post(reverse("web:security_unlock"), {"username": "x"}).status_code == 403

"""Kiosk links of the wall screen: a street admin issues one for their street, only its hash is
kept, and it opens the screen until it is revoked or expires, not one request longer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from qiaomen.accounts.models import ScreenToken
from qiaomen.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.accounts.screens import (
    screen_token_create,
    screen_token_open,
    screen_token_revoke,
    screen_token_scope,
    screen_tokens_for_user,
)
from qiaomen.core.errors import Forbidden, InvalidInput, NotFound
from qiaomen.core.models import AuditEntry
from qiaomen.places.models import Street
from qiaomen.testing import SmallStreet, make_user

pytestmark = pytest.mark.django_db


def _issue(street: SmallStreet, days: int = 30) -> tuple[ScreenToken, str]:
    return screen_token_create(user=street.users["street_admin"], street=street.street, name="指挥中心大屏", days=days)


def test_only_street_admins_manage_screens() -> None:
    holders = {role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.MANAGE_SCREENS in capabilities}
    assert holders == {Role.STREET_ADMIN}


def test_a_new_link_opens_its_street_and_only_its_hash_is_kept(small_street: SmallStreet) -> None:
    token, key = _issue(small_street)
    assert len(key) >= 43  # 256 random bits in base64url
    assert not ScreenToken.objects.filter(key_hash__contains=key).exists() and key not in token.key_hash
    opened = screen_token_open(key=key)
    assert opened is not None and opened.pk == token.pk and opened.last_used_at is not None
    audit = AuditEntry.objects.get(action="screen.token_create")
    assert (audit.actor_id, audit.object_id) == (small_street.users["street_admin"].pk, str(token.pk))


def test_a_wrong_key_opens_nothing(small_street: SmallStreet) -> None:
    _, key = _issue(small_street)
    assert screen_token_open(key=key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert screen_token_open(key="") is None


def test_a_revoked_link_stops_at_once(small_street: SmallStreet) -> None:
    token, key = _issue(small_street)
    assert screen_token_open(key=key) is not None
    revoked = screen_token_revoke(user=small_street.users["street_admin"], pk=token.pk)
    assert revoked.revoked_at is not None and revoked.revoked_by == small_street.users["street_admin"]
    assert screen_token_open(key=key) is None
    # Revoking again changes nothing and writes no second audit row.
    screen_token_revoke(user=small_street.users["street_admin"], pk=token.pk)
    assert AuditEntry.objects.filter(action="screen.token_revoke").count() == 1


def test_a_link_expires_after_its_days(small_street: SmallStreet) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _, key = _issue(small_street, days=7)
    with time_machine.travel(start + dt.timedelta(days=7) - dt.timedelta(seconds=1), tick=False):
        assert screen_token_open(key=key) is not None
    with time_machine.travel(start + dt.timedelta(days=7), tick=False):
        assert screen_token_open(key=key) is None


@pytest.mark.parametrize("persona", ["community_staff", "supervisor", "worker_a", "system_admin"])
def test_other_roles_issue_no_link(small_street: SmallStreet, persona: str) -> None:
    with pytest.raises(Forbidden):
        screen_token_create(user=small_street.users[persona], street=small_street.street, name="大屏", days=30)
    assert not ScreenToken.objects.exists()


def test_a_street_admin_manages_only_their_own_streets_links(small_street: SmallStreet) -> None:
    other = Street.objects.create(name="别的街道", code="BD")
    stranger = make_user("other_admin", Role.STREET_ADMIN, places=(other,))
    with pytest.raises(Forbidden):
        screen_token_create(user=stranger, street=small_street.street, name="大屏", days=30)
    token, key = _issue(small_street)
    assert list(screen_tokens_for_user(user=stranger)) == []
    with pytest.raises(NotFound):
        screen_token_revoke(user=stranger, pk=token.pk)
    assert screen_token_open(key=key) is not None


@pytest.mark.parametrize(("name", "days"), [("", 30), ("  ", 30), ("大屏", 0), ("大屏", 367)])
def test_a_link_needs_a_name_and_lasts_a_day_to_a_year(small_street: SmallStreet, name: str, days: int) -> None:
    with pytest.raises(InvalidInput):
        screen_token_create(user=small_street.users["street_admin"], street=small_street.street, name=name, days=days)
    assert not ScreenToken.objects.exists()


def test_a_link_sees_its_street_as_the_street_admin_does(small_street: SmallStreet) -> None:
    token, _ = _issue(small_street)
    scope = screen_token_scope(token)
    admin = place_scope(small_street.users["street_admin"])
    assert scope.all_grid_ids == admin.all_grid_ids == {small_street.grid_a.pk, small_street.grid_b.pk}
    assert scope.street_ids == {small_street.street.pk}

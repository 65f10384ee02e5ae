"""Door codes: issuing, revoking, re-issuing, bulk issue per building, printing (audited), scoping."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.models import AuditEntry
from qiaomen.core.tokens import token_hash
from qiaomen.registry.models import DoorCode, HouseholdStatus
from qiaomen.testing import SmallStreet, make_household
from qiaomen.tickets.doorcodes import codes as doorcodes
from qiaomen.tickets.doorcodes.codes import (
    door_code_issue,
    door_code_lookup,
    door_code_reissue,
    door_code_revoke,
    door_code_sheet,
    door_codes_for_user,
    door_codes_issue_for_building,
)


def _live(household_pk: int) -> int:
    return DoorCode.objects.filter(household_id=household_pk, person__isnull=True, revoked_at__isnull=True).count()


def test_security_28_a_code_is_192_random_bits_stored_as_hash_and_encrypted_token(small_street: SmallStreet) -> None:
    s = small_street
    code, token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # token_urlsafe(24): 24 bytes, 192 bits
    assert code.token_hash == token_hash(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM registry_doorcode WHERE id = %s", [code.pk])
        stored = cursor.fetchone()[0]
    assert token not in str(stored)  # encrypted at rest
    assert DoorCode.objects.get(pk=code.pk).token == token  # and readable for reprinting
    assert door_code_lookup(token) == code
    assert AuditEntry.objects.filter(action="door_code.issue", object_id=str(code.pk)).exists()


def test_one_live_household_code_a_second_issue_is_refused(small_street: SmallStreet) -> None:
    s = small_street
    door_code_issue(household=s.household_a, user=s.users["worker_a"])
    with pytest.raises(Conflict):
        door_code_issue(household=s.household_a, user=s.users["community_staff"])
    assert _live(s.household_a.pk) == 1


def test_a_personal_code_beside_the_household_code_but_only_for_a_member(small_street: SmallStreet) -> None:
    s = small_street
    door_code_issue(household=s.household_a, user=s.users["worker_a"])
    personal, _ = door_code_issue(household=s.household_a, person=s.elder_a, user=s.users["worker_a"])
    assert personal.person == s.elder_a
    with pytest.raises(Conflict):
        door_code_issue(household=s.household_a, person=s.elder_a, user=s.users["worker_a"])
    with pytest.raises(InvalidInput):
        door_code_issue(household=s.household_a, person=s.resident_b, user=s.users["street_admin"])


def test_revoked_token_no_longer_opens_anything(small_street: SmallStreet) -> None:
    s = small_street
    code, token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    door_code_revoke(code=code, user=s.users["worker_a"])
    assert door_code_lookup(token) is None
    with pytest.raises(Conflict):
        door_code_revoke(code=code, user=s.users["worker_a"])
    assert AuditEntry.objects.filter(action="door_code.revoke").count() == 1


def test_reissue_leaves_exactly_one_live_code_even_when_clicked_twice(small_street: SmallStreet) -> None:
    s = small_street
    old, old_token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    new, new_token = door_code_reissue(code=old, user=s.users["worker_a"])
    # The second click still holds the page's stale code: it claims nothing and makes nothing.
    stale = DoorCode.objects.get(pk=old.pk)
    stale.revoked_at = None
    with pytest.raises(Conflict):
        door_code_reissue(code=stale, user=s.users["community_staff"])
    assert _live(s.household_a.pk) == 1
    assert door_code_lookup(old_token) is None
    assert door_code_lookup(new_token) == new
    assert DoorCode.objects.filter(household=s.household_a).count() == 2


def test_reissue_is_all_or_nothing(small_street: SmallStreet, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the new code cannot be written, the old one is not revoked either."""
    s = small_street
    old, old_token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    # A token that collides with an existing hash makes the insert fail after the revoke ran.
    monkeypatch.setattr(doorcodes, "token_new", lambda: old_token)
    with pytest.raises(Conflict):
        door_code_reissue(code=old, user=s.users["worker_a"])
    assert door_code_lookup(old_token) == old
    assert DoorCode.objects.filter(household=s.household_a).count() == 1


def test_bulk_issue_for_a_building_skips_coded_and_moved_out_households(small_street: SmallStreet) -> None:
    s = small_street
    second = make_household(s.building_a, "102")
    gone = make_household(s.building_a, "103")
    gone.status = HouseholdStatus.MOVED_OUT
    gone.save()
    door_code_issue(household=s.household_a, user=s.users["worker_a"])
    issued = door_codes_issue_for_building(building=s.building_a, user=s.users["worker_a"])
    assert issued == 1
    assert _live(second.pk) == 1 and _live(gone.pk) == 0 and _live(s.household_a.pk) == 1
    assert door_codes_issue_for_building(building=s.building_a, user=s.users["worker_a"]) == 0
    token = DoorCode.objects.get(household=second).token
    assert door_code_lookup(token) is not None  # bulk-written tokens are encrypted and hashed the same way
    assert AuditEntry.objects.filter(action="door_code.issue_building").count() == 2


def test_bulk_issue_only_inside_the_users_places(small_street: SmallStreet) -> None:
    s = small_street
    assert door_codes_issue_for_building(building=s.building_b, user=s.users["worker_a"]) == 0
    assert _live(s.household_b.pk) == 0


@pytest.mark.parametrize("persona", ["building_chief", "dept_handler", "supervisor", "auditor"])
def test_roles_without_the_capability_cannot_manage_codes(small_street: SmallStreet, persona: str) -> None:
    s = small_street
    with pytest.raises(Forbidden):
        door_code_issue(household=s.household_a, user=s.users[persona])
    with pytest.raises(Forbidden):
        door_codes_issue_for_building(building=s.building_a, user=s.users[persona])
    assert not door_codes_for_user(s.users[persona]).exists()


def test_viewing_a_sticker_sheet_is_audited_and_shows_live_household_codes_only(small_street: SmallStreet) -> None:
    s = small_street
    code, token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    door_code_issue(household=s.household_a, person=s.elder_a, user=s.users["worker_a"])
    stickers = door_code_sheet(building=s.building_a, user=s.users["worker_a"])
    assert [sticker.token for sticker in stickers] == [token]
    assert stickers[0].room == "1单元101室"
    entry = AuditEntry.objects.get(action="door_code.sheet_view")
    assert entry.actor == s.users["worker_a"] and entry.detail == {"count": 1}
    door_code_revoke(code=code, user=s.users["worker_a"])
    assert door_code_sheet(building=s.building_a, user=s.users["worker_a"]) == []


def test_codes_are_scoped_to_the_users_places(small_street: SmallStreet) -> None:
    s = small_street
    code_b, _ = door_code_issue(household=s.household_b, user=s.users["worker_b"])
    assert not door_codes_for_user(s.users["worker_a"]).filter(pk=code_b.pk).exists()
    assert door_codes_for_user(s.users["street_admin"]).filter(pk=code_b.pk).exists()

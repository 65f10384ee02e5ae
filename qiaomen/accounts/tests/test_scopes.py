"""Deny by default: where each role may act (SECURITY.md lines 17-18)."""

from __future__ import annotations

import pytest
from django.db import connection

from qiaomen.accounts import scopes
from qiaomen.accounts.models import User
from qiaomen.accounts.scopes import place_scope
from qiaomen.registry.selectors import households_for_user, persons_for_user
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("street_admin", {"household_a", "household_b"}),
        ("supervisor", {"household_a", "household_b"}),
        ("community_staff", {"household_a"}),
        ("worker_a", {"household_a"}),
        ("worker_b", {"household_b"}),
        ("building_chief", {"household_a"}),
        ("dept_handler", set()),
        ("auditor", set()),
        ("unassigned", set()),
    ],
)
def test_each_role_sees_the_households_of_its_places_only(
    small_street: SmallStreet, persona: str, expected: set[str]
) -> None:
    visible = set(households_for_user(small_street.users[persona]))
    assert visible == {getattr(small_street, name) for name in expected}


def test_a_grid_worker_sees_the_people_of_their_grid_only(small_street: SmallStreet) -> None:
    people = set(persons_for_user(small_street.users["worker_a"]))
    assert people == {small_street.elder_a, small_street.child_a}


@pytest.mark.parametrize(
    "persona", ["street_admin", "supervisor", "community_staff", "worker_a", "building_chief", "unassigned"]
)
def test_a_scope_of_many_grids_filters_on_a_subquery_on_postgresql_and_sees_the_same_rows(
    small_street: SmallStreet, persona: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = small_street.users[persona]
    written = set(households_for_user(user))
    people_written = set(persons_for_user(user))
    monkeypatch.setattr(scopes, "GRID_IDS_WRITTEN_MAX", 0)  # every scope counts as many grids
    user = User.objects.get(pk=user.pk)  # the scope is cached on the user object
    households = households_for_user(user)
    assert set(households) == written
    assert set(persons_for_user(user)) == people_written
    if place_scope(user).all_grid_ids:
        subquery = 'FROM "places_grid"' in str(households.query)
        assert subquery == (connection.vendor == "postgresql"), "on PostgreSQL only, the grids come from a subquery"

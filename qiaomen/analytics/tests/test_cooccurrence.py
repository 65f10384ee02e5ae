"""Pairs of demands in one household within 90 days: support, confidence and lift by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.cooccurrence import cooccurrence, pairs_in_window
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.tests.demand_helpers import demand
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_household

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)


def test_pairs_only_within_ninety_days() -> None:
    demands = [(1, T0), (2, T0 + 90 * DAY), (3, T0 + 181 * DAY), (1, T0 + 200 * DAY)]
    # 1–2 are 90 days apart (kept), 2–3 are 91 apart, 3 and the second 1 are 19 days apart.
    assert pairs_in_window(demands) == {(1, 2), (1, 3)}


def test_the_same_subcategory_twice_is_no_pair() -> None:
    assert pairs_in_window([(1, T0), (1, T0 + DAY)]) == set()


@pytest.fixture
def four_households(small_street: SmallStreet) -> list[Household]:
    """Grid A: h1 meals + home doctor (10 days apart), h2 meals + home doctor (100 days apart:
    no pair), h3 meals + home doctor + rubbish; grid B: h4 rubbish only.
    N = 4; n(meals) = 3, n(doctor) = 3, n(rubbish) = 2; n(meals, doctor) = 2,
    n(meals, rubbish) = n(doctor, rubbish) = 1."""
    s = small_street
    h1 = s.household_a
    h2 = make_household(s.building_a, "102")
    h3 = make_household(s.building_a, "103")
    h4 = s.household_b
    demand(s, "LIF-MEAL", T0, h1)
    demand(s, "LIF-MED", T0 + 10 * DAY, h1)
    demand(s, "LIF-MEAL", T0, h2)
    demand(s, "LIF-MED", T0 + 100 * DAY, h2)
    demand(s, "LIF-MEAL", T0 + DAY, h3)
    demand(s, "LIF-MED", T0 + 2 * DAY, h3)
    demand(s, "LIF-ENV", T0 + 3 * DAY, h3)
    demand(s, "LIF-ENV", T0 + 4 * DAY, h4)
    return [h1, h2, h3, h4]


def test_meals_and_home_doctors_by_lift(small_street: SmallStreet, four_households: list[Household]) -> None:
    scope = place_scope(small_street.users["street_admin"])
    result = cooccurrence(scope=scope, period=period_parse("2026"), min_support=0, min_households=1)
    assert result.total_households == 4
    found = {(p.first, p.second): p for p in result.pairs}
    assert set(found) == {("LIF-MEAL", "LIF-MED"), ("LIF-ENV", "LIF-MEAL"), ("LIF-ENV", "LIF-MED")}
    meals_doctor = found[("LIF-MEAL", "LIF-MED")]
    assert meals_doctor.households == 2 and meals_doctor.support == 2 / 4
    assert meals_doctor.confidence == 2 / 3 and meals_doctor.confidence_back == 2 / 3
    assert meals_doctor.lift == pytest.approx(2 * 4 / (3 * 3))
    rubbish_meals = found[("LIF-ENV", "LIF-MEAL")]
    assert rubbish_meals.lift == pytest.approx(1 * 4 / (2 * 3)) and rubbish_meals.confidence == 1 / 2
    # Highest lift first: 8/9 before 2/3 (the two rubbish pairs tie on lift and households: by code).
    assert [(p.first, p.second) for p in result.pairs] == [
        ("LIF-MEAL", "LIF-MED"),
        ("LIF-ENV", "LIF-MEAL"),
        ("LIF-ENV", "LIF-MED"),
    ]


def test_minimum_support_drops_rare_pairs(small_street: SmallStreet, four_households: list[Household]) -> None:
    scope = place_scope(small_street.users["street_admin"])
    result = cooccurrence(scope=scope, period=period_parse("2026"), min_support=0.5, min_households=1)
    assert [(p.first, p.second) for p in result.pairs] == [("LIF-MEAL", "LIF-MED")]


def test_a_tag_keeps_its_households(small_street: SmallStreet, four_households: list[Household]) -> None:
    """Only household_a (h1) has an elder living alone: N = 1, one pair."""
    scope = place_scope(small_street.users["street_admin"])
    result = cooccurrence(scope=scope, period=period_parse("2026"), min_support=0, min_households=1, tag="elder_alone")
    assert result.total_households == 1
    assert [(p.first, p.second, p.lift) for p in result.pairs] == [("LIF-MEAL", "LIF-MED", 1.0)]


def test_scope_and_period_bound_the_households(small_street: SmallStreet, four_households: list[Household]) -> None:
    community = place_scope(small_street.users["community_staff"])  # grid A: h1, h2, h3
    assert cooccurrence(scope=community, period=period_parse("2026"), min_households=1).total_households == 3
    street = place_scope(small_street.users["street_admin"])
    assert cooccurrence(scope=street, period=period_parse("2025")).pairs == []

"""Top sub-categories of a month against the month before, on demands counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.tests.demand_helpers import demand
from qiaomen.analytics.trends import monthly_counts, top_subcategories
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def two_months(small_street: SmallStreet) -> SmallStreet:
    """October: meals 1 (A, at 23:30 on 31 October in Shanghai), rubbish 2 (B), school 1 (A).
    November: meals 3 (A, A, B, the first at 00:30 on 1 November), home doctor 1 (A), rubbish 2 (B)."""
    s = small_street
    b = s.household_b
    demand(s, "LIF-MEAL", dt.datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    demand(s, "LIF-ENV", dt.datetime(2026, 10, 5, 2, tzinfo=UTC), b)
    demand(s, "LIF-ENV", dt.datetime(2026, 10, 6, 2, tzinfo=UTC), b)
    demand(s, "POL-EDU", dt.datetime(2026, 10, 7, 2, tzinfo=UTC))
    demand(s, "LIF-MEAL", dt.datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
    demand(s, "LIF-MEAL", dt.datetime(2026, 11, 10, 2, tzinfo=UTC))
    demand(s, "LIF-MEAL", dt.datetime(2026, 11, 11, 2, tzinfo=UTC), b)
    demand(s, "LIF-MED", dt.datetime(2026, 11, 12, 2, tzinfo=UTC))
    demand(s, "LIF-ENV", dt.datetime(2026, 11, 13, 2, tzinfo=UTC), b)
    demand(s, "LIF-ENV", dt.datetime(2026, 11, 14, 2, tzinfo=UTC), b)
    return s


def test_top_subcategories_of_the_street_with_their_change(two_months: SmallStreet) -> None:
    scope = place_scope(two_months.users["street_admin"])
    trends = top_subcategories(scope=scope, period=period_parse("2026-11"))
    assert [(t.code, t.count, t.previous, t.delta, t.change) for t in trends] == [
        ("LIF-MEAL", 3, 1, 2, 2.0),
        ("LIF-ENV", 2, 2, 0, 0.0),
        ("LIF-MED", 1, 0, 1, None),  # nothing before: no percentage
    ]
    assert trends[0].name == "老年助餐"


def test_a_community_sees_only_its_grids(two_months: SmallStreet) -> None:
    scope = place_scope(two_months.users["community_staff"])  # 和平社区: grid A
    trends = top_subcategories(scope=scope, period=period_parse("2026-11"))
    assert [(t.code, t.count, t.previous) for t in trends] == [("LIF-MEAL", 2, 1), ("LIF-MED", 1, 0)]


def test_the_limit_keeps_the_most_asked(two_months: SmallStreet) -> None:
    scope = place_scope(two_months.users["street_admin"])
    assert [t.code for t in top_subcategories(scope=scope, period=period_parse("2026-11"), limit=1)] == ["LIF-MEAL"]


def test_no_places_no_trends(two_months: SmallStreet) -> None:
    scope = place_scope(two_months.users["unassigned"])
    assert top_subcategories(scope=scope, period=period_parse("2026-11")) == []


def test_monthly_counts_for_the_chart(two_months: SmallStreet) -> None:
    scope = place_scope(two_months.users["street_admin"])
    counts = monthly_counts(scope=scope, codes=["LIF-MEAL", "POL-EDU"], ending=dt.date(2026, 11, 30), months=3)
    assert counts == {"LIF-MEAL": [0, 1, 3], "POL-EDU": [0, 1, 0]}

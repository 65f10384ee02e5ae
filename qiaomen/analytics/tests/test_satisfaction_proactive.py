"""Where the demands came from, by community and month (R-ANA-7)."""

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.satisfaction_proactive import proactive_breakdown
from qiaomen.analytics.tests.satisfaction_data import NOVEMBER_2, rated_tickets_make
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel

pytestmark = pytest.mark.django_db
OCTOBER_AND_NOVEMBER = period_parse("2026-10-01..2026-11-30")
# 23:30 on 31 October in Shanghai, 15:30 UTC: October's.
LATE_OCTOBER = dt.datetime(2026, 10, 31, 15, 30, tzinfo=dt.UTC)
OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def sources(small_street: SmallStreet) -> SmallStreet:
    a, b = small_street.grid_a, small_street.grid_b
    rated_tickets_make(grid=a, rated=3, satisfied=0, channel=Channel.VISIT, created_at=LATE_OCTOBER)
    rated_tickets_make(grid=a, rated=2, satisfied=0, channel=Channel.QR, created_at=LATE_OCTOBER)
    rated_tickets_make(grid=a, rated=1, satisfied=0, channel=Channel.STAFF)
    rated_tickets_make(grid=a, rated=4, satisfied=0, channel=Channel.VISIT)
    rated_tickets_make(grid=b, rated=2, satisfied=0, channel=Channel.DEVICE)
    rated_tickets_make(grid=b, rated=1, satisfied=0, channel=Channel.API)
    rated_tickets_make(grid=b, rated=1, satisfied=0, channel=Channel.VISIT)
    rated_tickets_make(grid=b, rated=5, satisfied=0, channel=Channel.VISIT, created_at=NOVEMBER_2.replace(month=12))
    return small_street


def test_sources_by_community_and_month(sources: SmallStreet) -> None:
    breakdown = proactive_breakdown(scope=place_scope(sources.users["street_admin"]), period=OCTOBER_AND_NOVEMBER)
    assert breakdown.months == [OCTOBER, NOVEMBER]
    communities = {row.name: row for row in breakdown.communities}
    peace, light = communities["和平社区"], communities["光明社区"]
    october = peace.months[OCTOBER]
    assert (october.visit, october.qr, october.staff, october.other) == (3, 2, 0, 0)
    assert october.proactive_share == 3 / 5
    assert (peace.total.visit, peace.total.total) == (7, 10)
    assert (light.total.visit, light.total.other, light.total.total) == (1, 3, 4)
    assert OCTOBER not in light.months
    assert breakdown.by_month[NOVEMBER].total == 9 and breakdown.by_month[OCTOBER].total == 5
    assert (breakdown.total.visit, breakdown.total.total) == (8, 14)
    assert breakdown.total.proactive_share == 8 / 14


def test_community_staff_see_their_community_only(sources: SmallStreet) -> None:
    breakdown = proactive_breakdown(scope=place_scope(sources.users["community_staff"]), period=OCTOBER_AND_NOVEMBER)
    assert [row.name for row in breakdown.communities] == ["和平社区"]
    assert breakdown.total.total == 10

"""Every number of the targets opens onto exactly the rows it counts, and the trend of each month
is that month's figure."""

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.targets import HOUSEHOLD_TARGETS, TARGETS, FigureRow, target_rows, target_total
from qiaomen.analytics.targets_records import target_records
from qiaomen.analytics.targets_trends import target_trends
from qiaomen.analytics.tests.targets_street import NOVEMBER, target_street
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
__all__ = ["target_street"]


def _rows_to_check(street: SmallStreet) -> list[FigureRow]:
    scope = place_scope(street.users["street_admin"])
    rows = [target_total(scope=scope, period=NOVEMBER)]
    for level in ("street", "community", "grid", "worker", "department"):
        rows.extend(target_rows(scope=scope, period=NOVEMBER, level=level))
    return rows


def test_every_drill_down_lists_as_many_rows_as_its_number_counts(target_street: SmallStreet) -> None:
    scope = place_scope(target_street.users["street_admin"])
    checked = 0
    for row in _rows_to_check(target_street):
        for target in TARGETS:
            shown = row.figures[target.code]
            if row.level == "department" and target.code in HOUSEHOLD_TARGETS:
                with pytest.raises(ValueError, match="department"):
                    target_records(code=target.code, scope=scope, period=NOVEMBER, level=row.level, key=row.key)
                continue
            records = target_records(code=target.code, scope=scope, period=NOVEMBER, level=row.level, key=row.key)
            assert records.count() == shown.denominator, (row.level, row.name, target.code)
            if target.unit == "share":
                counted = target_records(
                    code=target.code, scope=scope, period=NOVEMBER, level=row.level, key=row.key, part="numerator"
                )
                assert counted.count() == shown.numerator, (row.level, row.name, target.code)
            checked += 1
    assert checked >= 8 * 7


def test_drill_downs_keep_to_the_scope(target_street: SmallStreet) -> None:
    scope = place_scope(target_street.users["community_staff"])
    tickets = target_records(code="on_spot_rate", scope=scope, period=NOVEMBER, level="total", key=None)
    assert {ticket.grid_id for ticket in tickets} == {target_street.grid_a.pk}
    other = target_records(
        code="special_coverage", scope=scope, period=NOVEMBER, level="community", key=target_street.community_2.pk
    )
    assert other.count() == 0


def test_bad_drill_downs_are_refused(small_street: SmallStreet) -> None:
    scope = place_scope(small_street.users["street_admin"])
    bad = [("happiness", "total", "denominator"), ("on_spot_rate", "planet", "denominator")]
    bad.append(("on_spot_rate", "total", "half"))
    for code, level, part in bad:
        with pytest.raises(ValueError, match="not a"):
            target_records(code=code, scope=scope, period=NOVEMBER, level=level, key=None, part=part)
    with pytest.raises(ValueError, match="counts no rows"):
        target_records(
            code="response_avg_hours", scope=scope, period=NOVEMBER, level="total", key=None, part="numerator"
        )


def test_each_month_of_the_trend_is_that_months_figure(target_street: SmallStreet) -> None:
    scope = place_scope(target_street.users["street_admin"])
    trends = target_trends(scope=scope, ending=dt.date(2026, 11, 30))
    assert [m.label for m in trends.months][-3:] == ["2026-09", "2026-10", "2026-11"]
    for month in ("2026-10", "2026-11"):
        index = [m.label for m in trends.months].index(month)
        total = target_total(scope=scope, period=period_parse(month))
        for target in TARGETS:
            assert trends.figures[target.code][index] == total.figures[target.code], (month, target.code)
    assert trends.figures["on_spot_rate"][-1].denominator == 6
    assert trends.figures["on_spot_rate"][-2].denominator == 1

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.visits.periods import PeriodKind, parse_period_label, period_containing


def test_a_late_evening_visit_on_the_last_day_of_a_quarter_belongs_to_that_quarter() -> None:
    q1 = period_containing(PeriodKind.QUARTER, dt.date(2026, 2, 10))
    late_evening_utc = dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai
    after_midnight_utc = dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)  # 00:00 on 1 April
    assert q1.contains(late_evening_utc)
    assert not q1.contains(after_midnight_utc)


def test_quarters_and_months() -> None:
    q4 = period_containing("quarter", dt.date(2026, 11, 29))
    assert (q4.first_day, q4.next_first_day, q4.label) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1), "2026-Q4")
    assert [m.label for m in q4.months()] == ["2026-10", "2026-11", "2026-12"]
    assert period_containing("month", dt.date(2026, 1, 5)).previous().label == "2025-12"


@pytest.mark.parametrize("label", ["2026-11", "2026-Q4", "2026-q1"])
def test_labels_round_trip(label: str) -> None:
    assert parse_period_label(label).label == label.upper().replace("Q", "Q")


@pytest.mark.parametrize("label", ["2026-13", "2026-Q5", "nonsense", "2026"])
def test_bad_labels_are_refused(label: str) -> None:
    with pytest.raises(ValueError):
        parse_period_label(label)

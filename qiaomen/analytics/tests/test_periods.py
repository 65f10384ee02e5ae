from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.analytics.periods import Span, last_months, period_of, period_parse


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026-11"),
        ("2026-2", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026-02"),
        ("2026Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026Q4"),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026Q1"),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        ("2026-03-05..2026-04-04", dt.date(2026, 3, 5), dt.date(2026, 4, 4), "2026-03-05..2026-04-04"),
    ],
)
def test_a_period_is_read_from_its_label_and_written_back(text, first, last, label):
    period = period_parse(text)
    assert (period.first_day, period.last_day, period.label) == (first, last, label)
    assert period_parse(period.label) == period


@pytest.mark.parametrize("text", ["", "2026-13", "2026Q5", "26", "2026-04-01..2026-03-01", "2020-01-01..2026-01-01"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError, match="not a period"):
        period_parse(text)


def test_a_period_is_cut_at_midnight_in_shanghai():
    november = period_parse("2026-11")
    assert november.contains(dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC))  # 23:30 in Shanghai
    assert not november.contains(dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC))  # 1 December there
    assert november.end == dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)


def test_the_previous_period_has_the_same_span():
    assert period_parse("2026Q1").previous().label == "2025Q4"
    assert period_parse("2026-01").previous().label == "2025-12"
    assert period_parse("2026-03-11..2026-03-20").previous().label == "2026-03-01..2026-03-10"


def test_twelve_months_end_with_the_current_one():
    months = last_months(ending=dt.date(2026, 12, 6))
    assert [m.label for m in (months[0], months[-1])] == ["2026-01", "2026-12"]
    assert len(months) == 12
    assert period_of(Span.YEAR, dt.date(2026, 5, 1)).months()[4].label == "2026-05"

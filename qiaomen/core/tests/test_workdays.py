"""The 2026 calendar as the State Council published it, and the fallback for unknown years."""

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.core.workdays import WorkdayCalendar, year_is_known

CALENDAR = WorkdayCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 2, 14), True),  # Saturday worked before the Spring Festival (调休)
        (dt.date(2026, 2, 16), False),  # Spring Festival holiday, a Monday
        (dt.date(2026, 2, 23), False),  # day off moved from 28 February
        (dt.date(2026, 2, 28), True),  # Saturday worked
        (dt.date(2026, 10, 1), False),  # National Day
        (dt.date(2026, 10, 10), True),  # Saturday worked after National Day
        (dt.date(2026, 11, 30), True),  # an ordinary Monday
        (dt.date(2026, 11, 29), False),  # an ordinary Sunday
    ],
)
def test_2026_days(day: dt.date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


def test_three_working_days_across_the_spring_festival() -> None:
    # Friday 13 Feb + 3 working days: Sat 14 (worked), then the holiday to 23 Feb, Tue 24, Wed 25.
    assert CALENDAR.add_working_days(dt.date(2026, 2, 13), 3) == dt.date(2026, 2, 25)


def test_an_unknown_year_falls_back_to_monday_to_friday() -> None:
    assert year_is_known(2026)
    assert not year_is_known(2031)
    assert CALENDAR.add_working_days(dt.date(2031, 1, 3), 1) == dt.date(2031, 1, 6)


def test_an_admin_override_wins() -> None:
    calendar = WorkdayCalendar(overrides=((dt.date(2026, 11, 30), False),))
    assert not calendar.is_working_day(dt.date(2026, 11, 30))
    assert calendar.add_working_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 12, 1)

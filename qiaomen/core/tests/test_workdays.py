"""The 2026 calendar as the State Council published it, 2027 from the package's holidays, and the
fallback for a year past the package's range."""

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


def test_2027_uses_the_packages_holidays_new_years_day_then_a_weekend() -> None:
    # 1 January 2027 is a Friday and a statutory holiday; 2 and 3 January are a weekend.
    assert year_is_known(2027)
    assert CALENDAR.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert CALENDAR.add_working_days(dt.date(2026, 12, 31), 3) == dt.date(2027, 1, 6)


def test_the_spring_festival_of_2027_is_not_worked() -> None:
    assert not CALENDAR.is_working_day(dt.date(2027, 2, 8))  # a Monday of the Spring Festival


def test_a_year_past_the_packages_range_falls_back_to_monday_to_friday() -> None:
    assert not year_is_known(2101)
    # Monday–Friday only: from Friday 31 December 2100, the next working day is Monday 3 January.
    assert CALENDAR.add_working_days(dt.date(2100, 12, 31), 1) == dt.date(2101, 1, 3)
    assert [CALENDAR.is_working_day(dt.date(2101, 1, day)) for day in range(1, 8)] == [
        False,
        False,
        True,
        True,
        True,
        True,
        True,
    ]


def test_an_admin_override_wins() -> None:
    calendar = WorkdayCalendar(overrides=((dt.date(2026, 11, 30), False),))
    assert not calendar.is_working_day(dt.date(2026, 11, 30))
    assert calendar.add_working_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 12, 1)


@pytest.mark.django_db
def test_the_workdays_command_counts_2027_with_its_holidays() -> None:
    from io import StringIO

    from django.core.management import call_command

    for days, expected in ((1, "2027-01-04"), (3, "2027-01-06")):
        out, err = StringIO(), StringIO()
        call_command("workdays", "--from", "2026-12-31", "--add", str(days), stdout=out, stderr=err)
        assert (out.getvalue().strip(), err.getvalue()) == (expected, "")

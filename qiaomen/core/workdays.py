"""The Chinese working-day calendar: statutory holidays, weekend working days (调休), overrides.

The `holidays` package knows China's statutory holidays for every year of its range (1950–2100
in the pinned version), and the weekend days moved to working days (调休) for the years whose
arrangement the State Council has published. Its holidays are used for every year it knows;
only a year it knows nothing of falls back to Monday–Friday, and the admins are told
(`year_is_known`). Admin overrides always win (a 调休 the package does not know yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class WorkdayCalendar:
    """Pure: built from the package's data plus the admin's overrides (date → is working day)."""

    overrides: tuple[tuple[dt.date, bool], ...] = ()

    def is_working_day(self, day: dt.date) -> bool:
        for date, working in self.overrides:
            if date == day:
                return working
        if year_is_known(day.year):
            official = _official(day.year)
            if day in official.holidays:
                return False
            if day in official.weekend_workdays:
                return True
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself not counted)."""
        day = start
        remaining = days
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` if it falls on a working day, otherwise 09:00 of the next working day."""
        if self.is_working_day(moment.date()):
            return moment
        day = self.add_working_days(moment.date(), 1)
        return moment.replace(year=day.year, month=day.month, day=day.day, hour=9, minute=0, second=0, microsecond=0)


def after_working_days(moment: dt.datetime, days: int, calendar: WorkdayCalendar) -> dt.datetime:
    """`days` working days after `moment` at the same time of day in China (a ticket's P3
    deadlines, a resident's rights request), as an aware UTC datetime."""
    local = moment.astimezone(CHINA)
    day = calendar.add_working_days(local.date(), days)
    return dt.datetime.combine(day, local.timetz()).astimezone(dt.UTC)


@dataclass(frozen=True)
class _Official:
    holidays: frozenset[dt.date]
    weekend_workdays: frozenset[dt.date]


@lru_cache(maxsize=64)
def _official(year: int) -> _Official:
    calendar = holidays.China(years=year)
    workdays = frozenset(day for day in getattr(calendar, "weekend_workdays", set()) if day.year == year)
    return _Official(frozenset(calendar.keys()), workdays)


def year_is_known(year: int) -> bool:
    """Whether the package knows the year's statutory holidays (it knows none outside its range)."""
    return bool(_official(year).holidays)

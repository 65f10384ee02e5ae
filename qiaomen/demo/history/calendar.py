"""The simulated year: which days it spans, which are working days, and the festivals.

The history ends today and starts `months` calendar months earlier (same day of the month). The
statutory holidays come from the `holidays` package through core.workdays, so the demo's busy
days after the Spring Festival or the National Day holiday fall where they fell that year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cached_property

import holidays

from qiaomen.core.workdays import CHINA, WorkdayCalendar

# Work at the door and at the desk happens between these local hours.
DAY_START_HOUR = 8
DAY_END_HOUR = 18


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def local_moment(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A wall-clock time in Shanghai on `day`, as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CHINA)


@dataclass(frozen=True)
class SimYear:
    start: dt.date  # the first simulated day
    today: dt.date  # the last one: the history ends now
    now: dt.datetime  # the real moment the history ends at

    @property
    def days(self) -> list[dt.date]:
        count = (self.today - self.start).days + 1
        return [self.start + dt.timedelta(days=offset) for offset in range(count)]

    @cached_property
    def workdays(self) -> WorkdayCalendar:
        return WorkdayCalendar()

    def is_working_day(self, day: dt.date) -> bool:
        return day in self.working_days if self.start <= day <= self.today else self.workdays.is_working_day(day)

    @cached_property
    def working_days(self) -> frozenset[dt.date]:
        """The year's working days, decided once: the planners ask about each day many times."""
        return frozenset(day for day in self.days if self.workdays.is_working_day(day))

    @cached_property
    def holidays(self) -> frozenset[dt.date]:
        years = range(self.start.year, self.today.year + 1)
        return frozenset(holidays.China(years=years).keys())

    @cached_property
    def after_festival(self) -> frozenset[dt.date]:
        """The first three days back at work after a statutory holiday (with the weekend it
        runs into): the rubbish of the festival piles up."""
        days: set[dt.date] = set()
        for holiday in self.holidays:
            back = holiday + dt.timedelta(days=1)
            while not self.is_working_day(back):
                back += dt.timedelta(days=1)
            days.update(back + dt.timedelta(days=offset) for offset in range(3))
        return frozenset(days)

    def working_moment(self, rng: random.Random, day: dt.date) -> dt.datetime:
        """A random moment of the working day (08:00–18:00 local)."""
        minutes = rng.randrange((DAY_END_HOUR - DAY_START_HOUR) * 60)
        return local_moment(day, DAY_START_HOUR + minutes // 60, minutes % 60, rng.randrange(60))

    def any_moment(self, rng: random.Random, day: dt.date) -> dt.datetime:
        """A random moment of the waking day (07:00–23:00 local): when residents write."""
        minutes = rng.randrange(16 * 60)
        return local_moment(day, 7 + minutes // 60, minutes % 60, rng.randrange(60))

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.workdays.add_working_days(day, 1)

    def contains(self, moment: dt.datetime) -> bool:
        return moment <= self.now


def sim_year(*, now: dt.datetime, months: int) -> SimYear:
    today = now.astimezone(CHINA).date()
    return SimYear(start=months_before(today, months), today=today, now=now)

"""The periods the command centre and the reports speak of: a month (2026-11), a quarter (2026Q4),
a year (2026) or any run of days (2026-03-01..2026-05-31), cut at midnight in Shanghai.

A ticket made at 23:30 on 30 November in Shanghai belongs to November although it is 15:30 UTC:
`start` and `end` are aware datetimes to compare with stored UTC times.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from qiaomen.visits.periods import CHINA


class Span(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


MONTHS_IN = {Span.MONTH: 1, Span.QUARTER: 3, Span.YEAR: 12}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAYS = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
# A custom period longer than this is refused: the figures are meant for a season, not a decade.
LONGEST_CUSTOM_DAYS = 3 * 366


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ReportPeriod:
    span: Span
    first_day: dt.date  # local date, included
    last_day: dt.date  # local date, included

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time.min, tzinfo=CHINA)

    @property
    def end(self) -> dt.datetime:
        """Exclusive end: local midnight after the last day."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time.min, tzinfo=CHINA)

    @property
    def label(self) -> str:
        """The period as `period_parse` reads it back."""
        if self.span == Span.MONTH:
            return f"{self.first_day:%Y-%m}"
        if self.span == Span.QUARTER:
            return f"{self.first_day.year}Q{(self.first_day.month - 1) // 3 + 1}"
        if self.span == Span.YEAR:
            return f"{self.first_day.year}"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    @property
    def title(self) -> str:
        """The period as a Chinese report names it: 2026年11月, 2026年第4季度, 2026年."""
        if self.span == Span.MONTH:
            return f"{self.first_day.year}年{self.first_day.month}月"
        if self.span == Span.QUARTER:
            return f"{self.first_day.year}年第{(self.first_day.month - 1) // 3 + 1}季度"
        if self.span == Span.YEAR:
            return f"{self.first_day.year}年"
        return f"{self.first_day:%Y-%m-%d} 至 {self.last_day:%Y-%m-%d}"

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self) -> ReportPeriod:
        """The period of the same length just before (the month before, the quarter before …)."""
        if self.span == Span.CUSTOM:
            length = self.last_day - self.first_day
            last = self.first_day - dt.timedelta(days=1)
            return ReportPeriod(Span.CUSTOM, last - length, last)
        return period_of(self.span, self.first_day - dt.timedelta(days=1))

    def months(self) -> list[ReportPeriod]:
        """The calendar months this period touches, first to last."""
        months = []
        day = self.first_day.replace(day=1)
        while day <= self.last_day:
            months.append(period_of(Span.MONTH, day))
            day = add_months(day, 1)
        return months


def period_of(span: Span | str, day: dt.date) -> ReportPeriod:
    """The month, quarter or year containing `day`."""
    span = Span(span)
    if span == Span.CUSTOM:
        raise ValueError("a custom period has no calendar unit")
    first_month = {Span.MONTH: day.month, Span.QUARTER: (day.month - 1) // 3 * 3 + 1, Span.YEAR: 1}[span]
    first = dt.date(day.year, first_month, 1)
    return ReportPeriod(span, first, add_months(first, MONTHS_IN[span]) - dt.timedelta(days=1))


def period_days(first_day: dt.date, last_day: dt.date) -> ReportPeriod:
    """A custom run of days, both included; ValueError when it runs backwards or is too long."""
    if last_day < first_day:
        raise ValueError("the period ends before it starts")
    if (last_day - first_day).days >= LONGEST_CUSTOM_DAYS:
        raise ValueError("the period is longer than three years")
    return ReportPeriod(Span.CUSTOM, first_day, last_day)


def period_parse(text: str) -> ReportPeriod:
    """2026-11, 2026Q4 (or 2026-Q4), 2026, or 2026-03-01..2026-05-31; ValueError otherwise."""
    text = text.strip()
    try:
        if match := _MONTH.match(text):
            return period_of(Span.MONTH, dt.date(int(match[1]), int(match[2]), 1))
        if match := _QUARTER.match(text):
            return period_of(Span.QUARTER, dt.date(int(match[1]), int(match[2]) * 3 - 2, 1))
        if match := _YEAR.match(text):
            return period_of(Span.YEAR, dt.date(int(match[1]), 1, 1))
        if match := _DAYS.match(text):
            return period_days(dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]))
    except ValueError as exc:
        raise ValueError(f"not a period: {text!r}") from exc
    raise ValueError(f"not a period: {text!r}")


def last_months(*, ending: dt.date, count: int = 12) -> list[ReportPeriod]:
    """The `count` calendar months up to and including the one containing `ending`, oldest first."""
    newest = period_of(Span.MONTH, ending)
    return [period_of(Span.MONTH, add_months(newest.first_day, -back)) for back in range(count - 1, -1, -1)]

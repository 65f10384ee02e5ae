"""Calendar months and quarters as people in China count them, as UTC-aware bounds.

A visit made at 23:30 on 31 March in Shanghai belongs to March (and Q1), even though it is
15:30 UTC; periods are therefore cut at local midnight and compared with stored UTC times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first_day: dt.date  # local date
    next_first_day: dt.date  # local date of the next period's first day

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time.min, tzinfo=CHINA)

    @property
    def end(self) -> dt.datetime:
        """Exclusive end."""
        return dt.datetime.combine(self.next_first_day, dt.time.min, tzinfo=CHINA)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.first_day:%Y-%m}"
        return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self) -> Period:
        return period_containing(self.kind, self.first_day - dt.timedelta(days=1))

    def months(self) -> list[Period]:
        months = []
        day = self.first_day
        while day < self.next_first_day:
            month = period_containing(PeriodKind.MONTH, day)
            months.append(month)
            day = month.next_first_day
        return months


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(kind: PeriodKind | str, day: dt.date) -> Period:
    kind = PeriodKind(kind)
    first_month = day.month if kind == PeriodKind.MONTH else (day.month - 1) // 3 * 3 + 1
    first = dt.date(day.year, first_month, 1)
    return Period(kind, first, _add_months(first, MONTHS_IN[kind]))


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def parse_period_label(label: str) -> Period:
    """2026-11 (a month) or 2026-Q4 (a quarter); ValueError otherwise."""
    year_text, _, rest = label.partition("-")
    year = int(year_text)
    if rest.upper().startswith("Q"):
        quarter = int(rest[1:])
        if not 1 <= quarter <= 4:
            raise ValueError(label)
        return period_containing(PeriodKind.QUARTER, dt.date(year, quarter * 3 - 2, 1))
    return period_containing(PeriodKind.MONTH, dt.date(year, int(rest), 1))

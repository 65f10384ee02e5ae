"""What a report says, before it is written as a workbook or a PDF: the figures of
analytics.targets for the period, by level, assessed and ranked (ranking.py).

- 月通报 (monthly): the total with its lights and last month's, the communities and the
  departments with their change since last month, and the best and worst of each target.
- 季考核 (quarterly): communities, grids, departments and workers, each target met or not, ranked.
- 年评优 (yearly): the same levels ranked for the awards by score, ties by satisfaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.models_reports import ReportKind
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.reports.ranking import Assessed, Extremes, assess, extremes
from qiaomen.analytics.targets import TARGETS, Target, target_rows, target_total

ASSESSED_LEVELS = ("community", "grid", "department", "worker")
LEVELS_OF_KIND: dict[str, tuple[str, ...]] = {
    ReportKind.MONTHLY: ("community", "department"),
    ReportKind.QUARTERLY: ASSESSED_LEVELS,
    ReportKind.YEARLY: ASSESSED_LEVELS,
}
LEVEL_LABELS: dict[str, Promise] = {
    "street": pgettext_lazy("reports", "Street"),
    "community": pgettext_lazy("reports", "Communities"),
    "grid": pgettext_lazy("reports", "Grids"),
    "department": pgettext_lazy("reports", "Departments"),
    "worker": pgettext_lazy("reports", "Workers"),
}


@dataclass(frozen=True)
class LevelTable:
    level: str
    label: str
    rows: list[Assessed]
    extremes: list[Extremes]  # the monthly bulletin's best and worst per target; empty otherwise


@dataclass(frozen=True)
class ReportContent:
    kind: ReportKind
    period: ReportPeriod
    place_name: str  # the street, or the community of a community's staff
    generated_at: dt.datetime
    targets: tuple[Target, ...]
    total: Assessed
    tables: list[LevelTable]

    @property
    def compares(self) -> bool:
        """The monthly bulletin sets each figure beside last month's."""
        return self.kind == ReportKind.MONTHLY

    @property
    def ranks(self) -> bool:
        return self.kind != ReportKind.MONTHLY

    @property
    def title(self) -> str:
        return " ".join(part for part in (self.place_name, self.period.title, str(self.kind.label)) if part)


def report_content(
    *, kind: ReportKind, period: ReportPeriod, scope: PlaceScope, place_name: str, now: dt.datetime
) -> ReportContent:
    compares = kind == ReportKind.MONTHLY
    before = period.previous()
    total = target_total(scope=scope, period=period)
    previous_total = target_total(scope=scope, period=before) if compares else None
    (assessed_total,) = assess([total], previous=[previous_total] if previous_total else None)
    tables = []
    for level in LEVELS_OF_KIND[kind]:
        rows = target_rows(scope=scope, period=period, level=level)
        previous = target_rows(scope=scope, period=before, level=level) if compares else None
        found = [found for target in TARGETS if (found := extremes(target, rows)) is not None] if compares else []
        tables.append(LevelTable(level, str(LEVEL_LABELS[level]), assess(rows, previous=previous), found))
    return ReportContent(kind, period, place_name, now, TARGETS, assessed_total, tables)

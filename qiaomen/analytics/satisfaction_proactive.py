"""Proactive share (R-ANA-7) broken down: where the period's demands came from, by community and
month. Demands found on visits (channel "visit") against those residents reported on their QR
page, those staff took by phone or at the counter, and the rest (API, device alerts).

The target itself (proactive share ≥ 30 %) is the figures' (analytics.targets); this is the
breakdown behind it, over the same tickets: created in the period, merged ones left out. One
GROUP BY query; the totals add up its rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.analytics.satisfaction_units import period_tickets
from qiaomen.core.numbers import share
from qiaomen.tickets.models import Channel
from qiaomen.visits.periods import CHINA

SOURCES = {
    "visit": Q(channel=Channel.VISIT),
    "qr": Q(channel=Channel.QR),
    "staff": Q(channel=Channel.STAFF),
    "other": ~Q(channel__in=[Channel.VISIT, Channel.QR, Channel.STAFF]),
}


@dataclass
class SourceCounts:
    visit: int = 0
    qr: int = 0
    staff: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.visit + self.qr + self.staff + self.other

    @property
    def proactive_share(self) -> float | None:
        return share(self.visit, self.total)

    def add(self, other: SourceCounts) -> None:
        for name in SOURCES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class CommunitySources:
    key: int
    name: str
    months: dict[dt.date, SourceCounts] = field(default_factory=dict)
    total: SourceCounts = field(default_factory=SourceCounts)


@dataclass
class ProactiveBreakdown:
    months: list[dt.date]  # the first day of each month of the period, oldest first
    communities: list[CommunitySources]
    by_month: dict[dt.date, SourceCounts]
    total: SourceCounts


def proactive_breakdown(*, scope: PlaceScope, period: ReportPeriod) -> ProactiveBreakdown:
    rows = (
        period_tickets(scope=scope, period=period)
        .annotate(month=TruncMonth("created_at", tzinfo=CHINA))
        .values("grid__community_id", "grid__community__name", "month")
        .annotate(
            visit=Count("pk", filter=SOURCES["visit"]),
            qr=Count("pk", filter=SOURCES["qr"]),
            staff=Count("pk", filter=SOURCES["staff"]),
            other=Count("pk", filter=SOURCES["other"]),
        )
        .order_by("grid__community__name", "month")
    )
    months = [month.first_day for month in period.months()]
    by_month = {month: SourceCounts() for month in months}
    communities: dict[int, CommunitySources] = {}
    total = SourceCounts()
    for row in rows:
        month = row["month"].astimezone(CHINA).date()
        counts = SourceCounts(row["visit"], row["qr"], row["staff"], row["other"])
        community = communities.setdefault(
            row["grid__community_id"], CommunitySources(row["grid__community_id"], row["grid__community__name"])
        )
        community.months[month] = counts
        community.total.add(counts)
        by_month.setdefault(month, SourceCounts()).add(counts)
        total.add(counts)
    return ProactiveBreakdown(months, list(communities.values()), by_month, total)

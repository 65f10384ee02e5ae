"""What the command centre's periodic jobs would have left behind by the end of the demo year:
last month's bulletin, kept on the first working day of this month (or of last month, when this
month's has not come yet), and a forecast run back-tested on the year. Both go through the
services the jobs call, so the reports page lists kept bulletins and the forecast shows both
accuracies on a street that was seeded a minute ago."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from qiaomen.analytics.coverage_snapshots import coverage_snapshots_refresh
from qiaomen.analytics.forecast import forecast_refresh
from qiaomen.analytics.models import ForecastRun, Report
from qiaomen.analytics.periods import Span, add_months, period_of
from qiaomen.analytics.reports.services import first_working_day, monthly_bulletins_keep
from qiaomen.tickets.selectors import workday_calendar
from qiaomen.visits.periods import CHINA

# The bulletin job's first hourly run of the day (analytics.tasks): 08:15 in China.
BULLETIN_TIME = dt.time(8, 15)


def last_bulletin_day(*, today: dt.date) -> dt.date:
    """The latest first working day of a month that is not after `today`."""
    calendar = workday_calendar()
    day = first_working_day(period_of(Span.MONTH, today), calendar)
    if day > today:
        day = first_working_day(period_of(Span.MONTH, add_months(today, -1)), calendar)
    return day


def history_close(*, now: dt.datetime) -> tuple[list[Report], ForecastRun]:
    """Keeps the latest monthly bulletin at the moment its job would have run, then refreshes the
    forecast now (its history ends with the last complete month) and counts the coverage
    snapshots the command centre opens on, as their job does every few minutes."""
    today = now.astimezone(CHINA).date()
    moment = dt.datetime.combine(last_bulletin_day(today=today), BULLETIN_TIME, tzinfo=CHINA)
    with time_machine.travel(min(moment, now), tick=False):
        kept = monthly_bulletins_keep(now=timezone.now(), calendar=workday_calendar())
    forecast = forecast_refresh(today=today)
    coverage_snapshots_refresh(now=now)
    return kept, forecast

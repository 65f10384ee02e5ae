"""The command centre's analysis pages: high-frequency demands with their trend and the demands
that come together (R-ANA-2), and the demand forecast with its measured accuracy (R-ANA-4).

For whoever may open the command centre (VIEW_COMMAND_CENTRE: street admins, community staff,
supervisors), each within their places (PlaceScope); any other role gets 403 before anything is
read. The pages show counts only, never a person.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.cooccurrence import cooccurrence
from qiaomen.analytics.forecast import forecast_latest
from qiaomen.analytics.forecast_selectors import forecast_line, forecast_table
from qiaomen.analytics.periods import ReportPeriod, last_months, period_days
from qiaomen.analytics.trends import monthly_counts, top_subcategories
from qiaomen.visits.periods import CHINA
from qiaomen.web.analysis.charts import forecast_chart, trend_chart
from qiaomen.web.analysis.forms import TrendsForm, last_complete_month
from qiaomen.web.shared.views import staff_page, user_with

CHART_LINES = 5
DEFAULT_MIN_SUPPORT = Decimal("0.5")  # per cent of households


def _today() -> dt.date:
    return timezone.now().astimezone(CHINA).date()


def _year_to(period: ReportPeriod) -> ReportPeriod:
    """The period itself if it spans a year or more, else the twelve months to its last day:
    demands 90 days apart need a longer look than one month."""
    return period_days(min(period.first_day, period.last_day - dt.timedelta(days=364)), period.last_day)


@staff_page
def command_trends(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    today = _today()
    defaults = {"period": last_complete_month(today).label, "min_support": DEFAULT_MIN_SUPPORT, "tag": ""}
    form = TrendsForm(request.GET or defaults, sensitive=user.can(Capability.VIEW_SENSITIVE))
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        scope = place_scope(user)
        period: ReportPeriod = form.cleaned_data["period"]
        trends = top_subcategories(scope=scope, period=period)
        months = [month.first_day for month in last_months(ending=period.last_day)]
        shown = trends[:CHART_LINES]
        counts = monthly_counts(scope=scope, codes=[t.code for t in shown], ending=period.last_day)
        pairs_period = _year_to(period)
        context |= {
            "period": period,
            "previous": period.previous(),
            "trends": trends,
            "chart": trend_chart(months=months, lines={t.name: counts[t.code] for t in shown}),
            "pairs_period": pairs_period,
            "pairs": cooccurrence(
                scope=scope,
                period=pairs_period,
                min_support=float(form.cleaned_data["min_support"]) / 100,
                tag=form.cleaned_data["tag"] or None,
            ),
        }
    # A period or support that does not parse: the form says why, with 422 as the other pages do.
    return render(request, "web/analysis/trends.html", context, status=200 if form.is_valid() else 422)


@staff_page
def command_forecast(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    run = forecast_latest()
    context: dict[str, object] = {"run": run}
    if run is not None:
        scope = place_scope(user)
        line = forecast_line(run=run, scope=scope)
        context |= {
            "table": forecast_table(run=run, scope=scope),
            "chart": forecast_chart(months=line.months, actual=line.actual, predicted=line.predicted),
        }
    return render(request, "web/analysis/forecast.html", context)

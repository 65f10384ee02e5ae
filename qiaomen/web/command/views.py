"""The command centre (issue 13): every target of the plan with its goal, light and trend, by
street, community, grid, worker and department, and the records behind every number.

Figures come from qiaomen.analytics.targets over the user's places (place_scope), so community
staff see their community and a supervisor their street; a handful of queries whatever the
number of grids (one grouped query per family, see analytics.targets_counts)."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.coverage_snapshots import REFRESH_MINUTES
from qiaomen.analytics.forecast import forecast_latest
from qiaomen.analytics.periods import Span, period_of
from qiaomen.analytics.targets import LEVEL_LABELS, LEVELS, TARGETS, TARGETS_BY_CODE, TargetTable
from qiaomen.analytics.targets_records import PARTS, RECORD_LEVELS, record_place_name, target_records
from qiaomen.analytics.targets_trends import target_trends
from qiaomen.core.errors import InvalidInput
from qiaomen.devices.acknowledgements import alarms_waiting
from qiaomen.devices.figures import device_figures
from qiaomen.devices.scope import ACTIVATION_VIEWERS
from qiaomen.devices.selectors import activations_in_progress
from qiaomen.participation.figures import resource_figures
from qiaomen.web.command.cells import period_from, row_cells, trend_option
from qiaomen.web.command.devices import device_cards
from qiaomen.web.command.resources import resource_card
from qiaomen.web.shared.views import paginate, staff_page, user_with

DEFAULT_LEVEL = "community"
RECORDS_PER_PAGE = 50

ALARMS_SHOWN = 50


def _level(value: str) -> str:
    if value not in LEVELS:
        raise InvalidInput("level_invalid", _("Choose street, community, grid, worker or department."))
    return value


@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    period = period_from(request.GET.dict())
    level = _level(request.GET.get("level", DEFAULT_LEVEL))
    scope = place_scope(user)
    table = TargetTable(scope, period)
    total = row_cells(table.total(), period=period)
    rows = [row_cells(row, period=period) for row in table.rows(level)]
    today = period_of(Span.MONTH, period.last_day)
    context: dict[str, Any] = {
        "period": period,
        "level": level,
        "levels": [(name, LEVEL_LABELS[name]) for name in LEVELS],
        "targets": TARGETS,
        "total": total,
        "rows": rows,
        "table_rows": [*rows, total],  # the total closes the table
        "forecast_run": forecast_latest(),
        # Set by total() above when the coverage came from the job's snapshot.
        "households_counted_at": table.households_counted_at,
        "coverage_refresh_minutes": REFRESH_MINUTES,
        # Device alarms nobody has acknowledged yet (R-DEV-1), oldest first.
        "alarms_waiting": list(
            alarms_waiting(scope).select_related("device__household__building__grid")[:ALARMS_SHOWN]
        ),
        "may_view_devices": user.can(Capability.VIEW_DEVICES),
        # The devices' figures of the period (R-DEV-1) and the emergency plans in force (R-DEV-2).
        "devices": device_cards(device_figures(scope=scope, start=period.start, end=period.end), period),
        "activations": activations_in_progress(scope=scope),
        "may_view_activations": any(user.can(c) for c in ACTIVATION_VIEWERS),
        "shortcuts": [
            (pgettext_lazy("figures", "Month"), today.label),
            (pgettext_lazy("figures", "Previous month"), today.previous().label),
            (pgettext_lazy("figures", "Quarter"), period_of(Span.QUARTER, period.last_day).label),
            (pgettext_lazy("figures", "Year"), period_of(Span.YEAR, period.last_day).label),
        ],
    }
    return render(request, "web/command/dashboard.html", context)


@staff_page
def resources(request: HttpRequest) -> HttpResponse:
    """Volunteers, participation, the service menu and the budget beside the plan's targets: an
    htmx fragment loaded after the dashboard's first paint. Each counts over every household or
    building of the user's places (at 250,000 households about 40 % of the dashboard's time)."""
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    period = period_from(request.GET.dict())
    figures = resource_figures(scope=place_scope(user), start=period.start, end=period.end)
    return render(request, "web/command/_resources.html", {"resources": [resource_card(f) for f in figures]})


@staff_page
def trends(request: HttpRequest) -> HttpResponse:
    """The twelve months up to the period's last month, one sparkline per target: an htmx
    fragment loaded after the dashboard's first paint."""
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    period = period_from(request.GET.dict())
    found = target_trends(scope=place_scope(user), ending=period.last_day)
    charts = [
        {
            "id": f"trend-{target.code}",
            "label": target.label,
            "option_json": json.dumps(trend_option(target, found.months, found.figures[target.code])),
        }
        for target in TARGETS
    ]
    context = {"charts": charts, "first": found.months[0], "last": found.months[-1]}
    return render(request, "web/command/_trends.html", context)


def _key(value: str | None, level: str) -> int | None:
    if level == "total":
        return None
    if value == "none":
        return None
    if value is None or not value.isdigit():
        raise InvalidInput("key_invalid", _("Open the records from a number of the command centre."))
    return int(value)


@staff_page
def records(request: HttpRequest) -> HttpResponse:
    """The tickets or households behind one number of the dashboard, a page at a time."""
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    target = TARGETS_BY_CODE.get(request.GET.get("target", ""))
    level = request.GET.get("level", "total")
    part = request.GET.get("part", "denominator")
    if target is None or level not in RECORD_LEVELS or part not in PARTS:
        raise InvalidInput("records_invalid", _("Open the records from a number of the command centre."))
    period = period_from(request.GET.dict())
    key = _key(request.GET.get("key"), level)
    scope = place_scope(user)
    records_of = functools.partial(target_records, code=target.code, scope=scope, period=period, level=level, key=key)
    try:
        rows = records_of(part=part)
        counted_rows = records_of(part="numerator") if target.unit == "share" else None
    except ValueError as exc:
        raise InvalidInput("records_invalid", _("These figures have no records to list.")) from exc
    page = paginate(request, rows, RECORDS_PER_PAGE)
    counted: set[int] = set()
    if counted_rows is not None:
        counted = set(counted_rows.filter(pk__in=[row.pk for row in page]).values_list("pk", flat=True))
    context = {
        "target": target,
        "period": period,
        "level": level,
        "level_label": LEVEL_LABELS.get(level, ""),
        "part": part,
        "page": page,
        "counted": counted,
        "households": target.code == "special_coverage",
        "counted_column": counted_rows is not None,
        "place_name": record_place_name(level=level, key=key, scope=scope),
        "dashboard_query": f"period={period.label}&level={level if level in LEVELS else 'community'}",
    }
    return render(request, "web/command/records.html", context)

"""What the map and the wall screen put on the page: the heat map's data for map.js (through
json_script), the targets as tiles with their lights, and the screen's parts together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.analytics.forecast import forecast_latest
from qiaomen.analytics.heatmap import HeatMap, demand_heat
from qiaomen.analytics.screen import screen_alerts
from qiaomen.analytics.targets import Figure, TargetTable
from qiaomen.devices.figures import screen_devices
from qiaomen.devices.selectors import activations_in_progress
from qiaomen.web.screen.forms import this_month

PLANS_SHOWN = 3  # the emergency plans in force the wall lists, newest first


def map_data(heat: HeatMap, *, with_addresses: bool) -> dict[str, Any]:
    """The map's layers as plain JSON. The wall screen leaves building addresses out: it shows
    aggregates only (SECURITY 19), and a building with one family names that family."""
    return {
        "buildings": [[b.lat, b.lng, b.tickets, b.name if with_addresses else ""] for b in heat.buildings],
        "grids": [
            {
                "name": grid.name,
                "community": grid.community,
                "tickets": grid.tickets,
                "lat": grid.lat,
                "lng": grid.lng,
                "bounds": grid.bounds,
            }
            for grid in heat.grids
        ],
        "hottest": heat.hottest,
        "tickets": heat.tickets,
    }


def tile_url() -> str:
    """The optional tile server (settings.MAP_TILE_URL); without one the map is vectors only."""
    return str(getattr(settings, "MAP_TILE_URL", "") or "")


def target_tiles(table: TargetTable) -> list[dict[str, Any]]:
    """Each target of the whole scope: label, value, goal and light."""
    total = table.total()
    return [
        {
            "code": code,
            "label": figure.target.label,
            "value": figure.target.value_text(figure.value, decimals=0),
            "goal": figure.target.goal_text,
            "light": figure.light,
            "count": _parts(figure),
        }
        for code, figure in total.figures.items()
    ]


def _parts(figure: Figure) -> str:
    """What the value is made of: 24 / 57 tickets, or 244.0 h over 19 accepted tickets."""
    if figure.target.unit == "hours":
        return f"{figure.numerator:.1f} h / {figure.denominator}"
    return f"{figure.numerator:g} / {figure.denominator}"


def community_lights(table: TargetTable) -> list[dict[str, Any]]:
    """Each community's light per target: where the street is red at a glance."""
    return [
        {
            "name": row.name,
            "lights": [
                {
                    "label": figure.target.label,
                    "light": figure.light,
                    "value": figure.target.value_text(figure.value, decimals=0),
                }
                for figure in row.figures.values()
            ],
        }
        for row in table.rows("community")
    ]


def screen_parts(*, scope: PlaceScope, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the screen refreshes each minute, for this month so far. A wall is seen by
    whoever walks into the room, signed in or not: buildings go on it without their addresses."""
    now = now or timezone.now()
    period = this_month()
    # One table of counts for both: the total and the communities fold the same grouped queries.
    table = TargetTable(scope, period)
    activations = activations_in_progress(scope=scope)
    return {
        "period": period,
        "now": now,
        "targets": target_tiles(table),
        "communities": community_lights(table),
        "alerts": screen_alerts(scope=scope, now=now),
        "forecast_run": forecast_latest(),
        "heat": map_data(demand_heat(scope=scope, period=period), with_addresses=False),
        # Device alarms waiting (their rung, minutes waiting), today's alarms, devices offline,
        # and the emergency plans in force with their checks (R-DEV-1, R-DEV-2): counts only.
        "devices": screen_devices(scope=scope, now=now),
        "activations": activations,
        "activations_shown": activations[:PLANS_SHOWN],
    }

"""Every participation figure for the command centre, in the order it shows them. Each area
computes its own (`(*, scope, start, end) -> list[ResourceFigure]`, see figure.py); add one line
to FIGURE_SOURCES for each."""

from __future__ import annotations

import datetime as dt

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.participation.activities.rate import participation_figures
from qiaomen.participation.budget.selectors import budget_figures
from qiaomen.participation.figure import FigureSource, ResourceFigure
from qiaomen.participation.menu.selectors import menu_figures
from qiaomen.participation.volunteers.selectors import volunteer_figures

FIGURE_SOURCES: list[FigureSource] = [
    participation_figures,
    volunteer_figures,
    menu_figures,
    budget_figures,
]


def resource_figures(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
    """Every participation figure over `scope` and [start, end)."""
    figures: list[ResourceFigure] = []
    for source in FIGURE_SOURCES:
        figures.extend(source(scope=scope, start=start, end=end))
    return figures

"""How the dashboard shows the participation domain's figures (R-PAR-1 … R-PAR-4): whatever
sources participation.figures lists, each as its value, its goal and light where the plan sets
a goal, and a link to the page of the rows behind it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext

from qiaomen.participation.figure import ResourceFigure


def _number(value: int | Decimal, unit: str) -> str:
    if unit == "count" or (isinstance(value, int) and unit != "yuan"):
        return f"{value:,}"
    return f"{Decimal(value):,.2f}"


def _value_text(figure: ResourceFigure, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if figure.unit == "percent":
        return f"{value:.1%}"
    if figure.unit == "yuan":
        return pgettext("figures", "%(amount)s yuan") % {"amount": _number(value, "yuan")}
    return f"{value:,}"


def resource_card(figure: ResourceFigure) -> dict[str, Any]:
    met = figure.met
    light = "" if figure.goal is None else ("none" if met is None else "green" if met else "red")
    comparator = "≥" if figure.higher_is_better else "≤"
    parts_unit = "yuan" if isinstance(figure.numerator, Decimal) else "count"
    return {
        "code": figure.code,
        "label": figure.label,
        "text": _value_text(figure, figure.value),
        "goal": "" if figure.goal is None else f"{comparator} {_value_text(figure, figure.goal)}",
        "light": light,
        "parts": (
            f"{_number(figure.numerator, parts_unit)} / {_number(figure.denominator, parts_unit)}"
            if figure.denominator is not None
            else ""
        ),
        "url": reverse(figure.url_name) if figure.url_name else "",
    }

"""Template helpers of the analysis pages."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """0.7236 → "72.4 %" (rounded: number_format alone cuts the digits off); None (not measured,
    nothing to divide by) → "—", never 0."""
    if value is None:
        return "—"
    return f"{number_format(round(value * 100, decimals), decimal_pos=decimals)} %"

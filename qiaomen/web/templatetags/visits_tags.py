"""Template filters of the visit pages: rates, walking distances, flats."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from qiaomen.places.addresses import room_label
from qiaomen.registry.models import Household

register = template.Library()


@register.filter
def percent(rate: float | None, decimals: int = 1) -> str:
    """0.953 → "95.3 %", rounded (number_format alone cuts the digits off: 2/3 would read 66.6 %);
    nothing to count, or not measured → a dash, not 0 %."""
    if rate is None:
        return "—"
    return f"{number_format(round(rate * 100, decimals), decimal_pos=decimals)} %"


@register.filter
def distance(metres: float) -> str:
    """A walk as people say it: metres below a kilometre, kilometres with one decimal above."""
    if metres < 1000:
        return _("%(metres)d m") % {"metres": round(metres)}
    return _("%(km)s km") % {"km": number_format(metres / 1000, 1)}


@register.filter
def flat(household: Household) -> str:
    """The flat within its building (2单元501室), for lists already grouped by building."""
    return room_label(household.unit, household.room)

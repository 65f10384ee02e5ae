"""Template helpers of the analysis pages: the rates are written as on the visit pages."""

from __future__ import annotations

from django import template

from qiaomen.web.templatetags.visits_tags import percent

register = template.Library()
register.filter("percent", percent)

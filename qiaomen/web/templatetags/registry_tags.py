"""Small fragments shown once per person or household in lists, as Python rather than includes.

A registry search page shows 25 households of two or three people each; an {% include %} per
masked number, tag list and verification date cost more than the page's queries together.
Every value goes through format_html, so it is escaped like template output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from qiaomen.registry.models import DataSource, Tag

register = template.Library()


@register.simple_tag
def masked_value(value: str) -> SafeString:
    if not value:
        return mark_safe('<span class="empty">—</span>')  # fixed markup, nothing of the user's
    return format_html('<span class="masked" title="{}">{}</span>', _("Masked"), value)


@register.simple_tag
def tag_chips(tags: Iterable[Tag]) -> SafeString:
    tags = list(tags)
    if not tags:
        return mark_safe("")  # an empty string holds nothing to escape
    chips = format_html_join(
        "",
        '<li class="chip{}">{}</li>',
        ((" chip-sensitive" if tag.is_sensitive else "", tag.name) for tag in tags),
    )
    return format_html('<ul class="chips">{}</ul>', chips)


@register.simple_tag
def verified(at: dt.datetime | None, source: DataSource | None = None) -> SafeString:
    if at is None:
        return format_html('<span class="empty">{}</span>', _("never verified"))
    local = timezone.localtime(at)
    text = format_html(
        '<time datetime="{}">{}</time> ({})',
        local.isoformat(),
        local.strftime("%Y-%m-%d"),
        _("%(age)s ago") % {"age": timesince(at)},
    )
    return format_html("{} · {}", text, source.name) if source is not None else text

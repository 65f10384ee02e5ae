"""Small fragments shown once per person or household in lists, as Python rather than includes.

A registry search page shows 25 households of two or three people each; an {% include %} per
member, masked number, tag list and verification date cost more than the page's queries together
(an include per member alone was a third of an address search's time at 70,000 households).
Every value goes through format_html, so it is escaped like template output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

from django import template
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qiaomen.registry.models import DataSource, Person, PersonStatus, Tag
from qiaomen.registry.selectors import MemberView
from qiaomen.web.shared.paths import path_for_pk

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


@cache
def _person_choices(field: str) -> dict[Any, Any]:
    """A Person field's choices by value (labels translated when shown): Django's
    get_FOO_display builds this dict again on every call, a fifth of a member's fragment."""
    model_field = Person._meta.get_field(field)
    assert isinstance(model_field, models.Field)
    return dict(model_field.flatchoices)


def _shown(person: Person, field: str) -> str:
    """What person.get_FIELD_display() returns."""
    value = getattr(person, field)
    return str(_person_choices(field).get(value, value))


@register.simple_tag
def member_item(member: MemberView, with_provenance: bool = False) -> SafeString:
    """One member of a household, as this user may see them: an <li> of a member list."""
    person = member.person
    age = ngettext("%(age)s year", "%(age)s years", member.age) % {"age": member.age}
    badges = []
    if person.status != PersonStatus.ACTIVE:
        badges.append(format_html('<span class="badge badge-muted">{}</span>', _shown(person, "status")))
    if person.separated:
        badges.append(format_html('<span class="badge badge-warn">{}</span>', _("人户分离")))
    provenance = ""
    if with_provenance:  # the household card only: one household, not a list
        provenance = format_html(
            '<details class="provenance"><summary>{}</summary>{}</details>',
            _("Sources of this person's data"),
            render_to_string("web/includes/provenance.html", {"rows": member.provenance}),
        )
    return format_html(
        '<li class="member"><div class="member-head"><a class="member-name" href="{}">{}</a>'
        '<span class="member-meta">{} · {} · {}</span>{}</div>{}'
        '<dl class="pairs"><div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd>{}</dd></div></dl>{}</li>',
        path_for_pk("web:person_detail")(person.pk),
        person.name,
        _shown(person, "relationship"),
        _shown(person, "gender"),
        age,
        format_html_join("", "{}", ((badge,) for badge in badges)),
        tag_chips(member.tags),
        _("ID number"),
        masked_value(person.id_masked),
        _("Phone"),
        masked_value(person.phone_masked),
        provenance,
    )


@register.simple_tag
def hidden_children(count: int) -> SafeString:
    """The members under 14 this user may not see: counted, never named."""
    if not count:
        return mark_safe("")  # an empty string holds nothing to escape
    message = ngettext(
        "%(count)s child under 14: needs the sensitive-data permission.",
        "%(count)s children under 14: need the sensitive-data permission.",
        count,
    ) % {"count": count}
    return format_html('<li class="member member-hidden">{}</li>', message)

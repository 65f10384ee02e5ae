"""The service menu's staff pages: the menu per group, partners, service points on a map with the
coverage within 800 m. Street staff edit (MANAGE_MENU); community staff, grid workers and
supervisors read (VIEW_MENU). Records come only through the scoped helpers (404 outside)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.masking import mask_phone
from qiaomen.participation.menu.scope import (
    entries_for_user,
    entry_for_user,
    partner_for_user,
    partners_for_user,
    point_for_user,
    points_for_user,
)
from qiaomen.participation.menu.selectors import GROUP_TAGS, coverage_table, menu_sections, request_counts
from qiaomen.participation.menu.services import (
    EntryData,
    PartnerData,
    PointData,
    menu_entry_save,
    menu_entry_withdraw,
    partner_save,
    service_point_save,
)
from qiaomen.participation.models.menu import MenuEntry, Partner, ServicePoint
from qiaomen.registry.models import Tag
from qiaomen.web.menu.forms import EntryForm, PartnerForm, PointForm
from qiaomen.web.menu.map import points_map
from qiaomen.web.screen.figures import tile_url
from qiaomen.web.shared.views import staff_page, user_with

YEAR = dt.timedelta(days=365)


def shown_phone(user: User, phone: str) -> str:
    """A partner's number as business data for its keepers; a mobile (likely a person's own)
    masked as the registry masks it for those who only read the menu."""
    if user.can(Capability.MANAGE_MENU) or not (len(phone) == 11 and phone.startswith("1")):
        return phone
    return mask_phone(phone)


@staff_page
def menu(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_MENU)
    now = timezone.now()
    entries = entries_for_user(user)
    tags = dict(Tag.objects.values_list("code", "name"))
    asked = request_counts(entries, start=now - YEAR, end=now)
    context = {
        "sections": [
            (
                section,
                [tags[code] for code in GROUP_TAGS[section.group] if code in tags],
                [(entry, asked.get(entry.pk, 0)) for entry in section.entries],
            )
            for section in menu_sections(entries, at=now)
        ],
        "may_edit": user.can(Capability.MANAGE_MENU),
    }
    return render(request, "web/menu/menu.html", context)


def _entry_form_page(request: HttpRequest, user: User, entry: MenuEntry | None) -> HttpResponse:
    scope = place_scope(user)
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {
            "title": entry.title,
            "group": entry.group,
            "partner": entry.partner_id,
            "schedule": entry.schedule,
            "how_to_ask": entry.how_to_ask,
            "subcategory": entry.subcategory_id,
            "description": entry.description,
            "version": entry.version,
        }
    form = EntryForm(request.POST or None, initial=initial, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        menu_entry_save(
            user=user,
            data=EntryData(
                partner=data["partner"],
                group=data["group"],
                title=data["title"],
                description=data["description"],
                schedule=data["schedule"],
                how_to_ask=data["how_to_ask"],
                subcategory=data["subcategory"],
            ),
            entry=entry,
            version=data["version"],
            request=request,
        )
        return redirect("web:menu")
    context = {"form": form, "entry": entry}
    return render(request, "web/menu/entry_form.html", context, status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    return _entry_form_page(request, user_with(request, Capability.MANAGE_MENU), None)


@staff_page
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_MENU)
    return _entry_form_page(request, user, entry_for_user(user, pk))


@staff_page
@require_POST
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_MENU)
    menu_entry_withdraw(user=user, entry=entry_for_user(user, pk), request=request)
    return redirect("web:menu")


@staff_page
def partners(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_MENU)
    rows = partners_for_user(user).select_related("department", "community").order_by("name")
    context = {
        "rows": [(partner, shown_phone(user, partner.contact_phone)) for partner in rows],
        "may_edit": user.can(Capability.MANAGE_MENU),
    }
    return render(request, "web/menu/partners.html", context)


@staff_page
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VIEW_MENU)
    partner = partner_for_user(user, pk)
    context = {
        "partner": partner,
        "phone": shown_phone(user, partner.contact_phone),
        "entries": partner.entries.order_by("group", "title"),
        "may_edit": user.can(Capability.MANAGE_MENU),
    }
    return render(request, "web/menu/partner_detail.html", context)


def _partner_form_page(request: HttpRequest, user: User, partner: Partner | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if partner is not None:
        initial = {
            field: getattr(partner, field)
            for field in ("name", "kind", "contact_name", "contact_phone", "address", "active")
        } | {"street": partner.street_id, "community": partner.community_id, "department": partner.department_id}
    form = PartnerForm(request.POST or None, initial=initial, scope=place_scope(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = partner_save(
            user=user,
            data=PartnerData(
                street=data["street"],
                community=data["community"],
                name=data["name"],
                kind=data["kind"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                address=data["address"],
                department=data["department"],
                active=data["active"],
            ),
            partner=partner,
            request=request,
        )
        return redirect("web:menu_partner", pk=saved.pk)
    context = {"form": form, "partner": partner}
    return render(request, "web/menu/partner_form.html", context, status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    return _partner_form_page(request, user_with(request, Capability.MANAGE_MENU), None)


@staff_page
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_MENU)
    return _partner_form_page(request, user, partner_for_user(user, pk))


@staff_page
def service_points(request: HttpRequest) -> HttpResponse:
    """The points on the map, the coverage within 800 m by community, the uncovered buildings."""
    user = user_with(request, Capability.VIEW_MENU)
    scope = place_scope(user)
    today = timezone.localdate()
    table = coverage_table(scope=scope, on=today)
    points = list(points_for_user(user).select_related("community"))
    context = {
        "table": table,
        "points": points,
        "map": points_map(scope=scope, points=points, table=table),
        "tile_url": tile_url(),
        "may_edit": user.can(Capability.MANAGE_MENU),
    }
    return render(request, "web/menu/points.html", context)


def _point_form_page(request: HttpRequest, user: User, point: ServicePoint | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if point is not None:
        fields = ("name", "kind", "lat", "lng", "weekdays", "opens_at", "closes_at", "opened_on", "closed_on")
        initial = {field: getattr(point, field) for field in fields}
        initial |= {"community": point.community_id, "building": point.building_id}
    form = PointForm(request.POST or None, initial=initial, scope=place_scope(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service_point_save(user=user, data=PointData(**data), point=point, request=request)
        return redirect("web:service_points")
    context = {"form": form, "point": point}
    return render(request, "web/menu/point_form.html", context, status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def point_new(request: HttpRequest) -> HttpResponse:
    return _point_form_page(request, user_with(request, Capability.MANAGE_MENU), None)


@staff_page
@require_http_methods(["GET", "POST"])
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_MENU)
    return _point_form_page(request, user, point_for_user(user, pk))

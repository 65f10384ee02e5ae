"""The service menu as JSON (R-PAR-3): the menu offered in the caller's places, a partner, and
the service-point coverage within 800 m (straight-line distance) by community. Read-only, scoped
like the pages; a partner's personal mobile is masked for callers who only read the menu."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.core.masking import mask_phone
from qiaomen.participation.menu.coverage import GOAL, RADIUS_M
from qiaomen.participation.menu.scope import entries_for_user, partner_for_user
from qiaomen.participation.menu.selectors import coverage_table, menu_offered

router = Router(tags=["menu"])


class MenuEntryOut(Schema):
    id: int
    group: str
    title: str
    description: str
    partner_id: int
    partner: str
    schedule: str
    how_to_ask: str


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    community_id: int | None = Field(description="null: the partner serves the whole street")
    contact_name: str
    contact_phone: str = Field(description="a mobile is masked for callers who only read the menu")
    address: str
    department: str = Field(description="the handling department's code")
    active: bool


class UncoveredBuildingOut(Schema):
    id: int
    address: str
    households: int
    located: bool


class CommunityReachOut(Schema):
    community_id: int
    community: str
    households: int
    covered: int
    share: float | None
    goal_met: bool | None
    uncovered_buildings: list[UncoveredBuildingOut]


class ServicePointReachOut(Schema):
    radius_m: float = Field(description="straight-line (great-circle) distance, not walking distance")
    goal: float
    week_start: dt.date
    week_end: dt.date
    households: int
    covered: int
    communities: list[CommunityReachOut]


class ServicePointReachQuery(Schema):
    on: dt.date | None = Field(None, description="a day of the week to count (default today, Asia/Shanghai)")


@router.get("/menu/entries", response=responses(list[MenuEntryOut], 401, 403), url_name="menu_entries")
def menu_entries(request: HttpRequest) -> list[dict[str, Any]]:
    """The services on the menu now, in the caller's places."""
    user = api_user_with(request, Capability.VIEW_MENU)
    return [
        {
            "id": entry.pk,
            "group": entry.group,
            "title": entry.title,
            "description": entry.description,
            "partner_id": entry.partner_id,
            "partner": entry.partner.name,
            "schedule": entry.schedule,
            "how_to_ask": entry.how_to_ask,
        }
        for entry in menu_offered(entries_for_user(user), at=timezone.now())
    ]


@router.get("/menu/partners/{int:pk}", response=responses(PartnerOut, 401, 403, 404, 422), url_name="menu_partner")
def menu_partner(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = api_user_with(request, Capability.VIEW_MENU)
    partner = partner_for_user(user, pk)
    phone = partner.contact_phone
    if not user.can(Capability.MANAGE_MENU) and len(phone) == 11 and phone.startswith("1"):
        phone = mask_phone(phone)
    return {
        "id": partner.pk,
        "name": partner.name,
        "kind": partner.kind,
        "community_id": partner.community_id,
        "contact_name": partner.contact_name,
        "contact_phone": phone,
        "address": partner.address,
        "department": partner.department.code,
        "active": partner.active,
    }


@router.get(
    "/service-points/coverage", response=responses(ServicePointReachOut, 401, 403, 422), url_name="menu_coverage"
)
def service_point_coverage(request: HttpRequest, query: Query[ServicePointReachQuery]) -> dict[str, Any]:
    """Households within 800 m of a service point open in the week of `on`, by community."""
    user = api_user_with(request, Capability.VIEW_MENU)
    table = coverage_table(scope=place_scope(user), on=query.on or timezone.localdate())
    return {
        "radius_m": RADIUS_M,
        "goal": float(GOAL),
        "week_start": table.week[0],
        "week_end": table.week[1],
        "households": table.households,
        "covered": table.covered,
        "communities": [
            {
                "community_id": row.community.pk,
                "community": row.community.name,
                "households": row.coverage.households,
                "covered": row.coverage.covered,
                "share": None if row.coverage.share is None else float(row.coverage.share),
                "goal_met": row.coverage.met,
                "uncovered_buildings": [
                    {"id": b.building_id, "address": address, "households": b.households, "located": b.lat is not None}
                    for b, address in row.uncovered
                ],
            }
            for row in table.rows
        ],
    }

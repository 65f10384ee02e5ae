"""Keeping the menu: partners, menu entries and service points (street staff, MANAGE_MENU).

Each write checks its input (a clear InvalidInput, nothing changed), checks that the places it
names are the user's, and writes one audit row. Entries are never deleted: a withdrawn entry
leaves the menu and keeps the requests that point at it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.phone import PhoneError, parse_phone
from qiaomen.participation.menu.scope import menu_places
from qiaomen.participation.models.menu import MenuEntry, MenuGroup, Partner, PartnerKind, PointKind, ServicePoint
from qiaomen.places.models import Building, Community, Street
from qiaomen.tickets.models import Subcategory


def _keeper(user: User) -> None:
    if not user.can(Capability.MANAGE_MENU):
        raise Forbidden("menu_not_keeper", _("Only street staff can change the service menu."))


def _street_of_user(user: User, street: Street) -> None:
    if street.pk not in menu_places(place_scope(user)).street_ids:
        raise Forbidden("menu_place_not_yours", _("This place is not one of yours."))


@dataclass(frozen=True)
class PartnerData:
    street: Street
    community: Community | None
    name: str
    kind: str
    contact_name: str
    contact_phone: str
    address: str
    department: Department
    active: bool = True


def _partner_clean(data: PartnerData) -> dict[str, Any]:
    name = data.name.strip()
    if not name:
        raise InvalidInput("partner_name_required", _("Please give the partner's name."))
    if data.kind not in PartnerKind.values:
        raise InvalidInput("partner_kind_invalid", _("Invalid kind of partner."))
    if data.community is not None and data.community.street_id != data.street.pk:
        raise InvalidInput("partner_community_invalid", _("The community is not in this street."))
    phone = data.contact_phone.strip()
    if phone:
        try:
            phone = parse_phone(phone)
        except PhoneError as exc:
            raise InvalidInput("partner_phone_invalid", exc.message) from exc
    return {
        "street": data.street,
        "community": data.community,
        "name": name,
        "kind": data.kind,
        "contact_name": data.contact_name.strip(),
        "contact_phone": phone,
        "address": data.address.strip(),
        "department": data.department,
        "active": data.active,
    }


def partner_save(
    *, user: User, data: PartnerData, partner: Partner | None = None, request: HttpRequest | None = None
) -> Partner:
    """Create a partner, or change `partner` (looked up through partner_for_user)."""
    _keeper(user)
    _street_of_user(user, data.street)
    columns = _partner_clean(data)
    clash = Partner.objects.filter(street=data.street, name=columns["name"])
    if partner is not None:
        clash = clash.exclude(pk=partner.pk)
    if clash.exists():
        raise InvalidInput("partner_name_taken", _("A partner of this name already exists in the street."))
    with transaction.atomic():
        if partner is None:
            partner = Partner.objects.create(**columns)
            action = "menu.partner_create"
        else:
            for key, value in columns.items():
                setattr(partner, key, value)
            partner.save()
            action = "menu.partner_update"
        audit_record(action=action, actor=user, request=request, obj=partner, detail={"name": partner.name})
    return partner


@dataclass(frozen=True)
class EntryData:
    partner: Partner
    group: str
    title: str
    description: str
    schedule: str
    how_to_ask: str
    subcategory: Subcategory


def _entry_clean(data: EntryData) -> dict[str, Any]:
    if data.group not in MenuGroup.values:
        raise InvalidInput("menu_group_invalid", _("Invalid group."))
    title, schedule, how = data.title.strip(), data.schedule.strip(), data.how_to_ask.strip()
    if not title or not schedule or not how:
        raise InvalidInput(
            "menu_entry_incomplete", _("Every service needs its name, when it is offered and how to ask.")
        )
    if data.subcategory.retired:
        raise InvalidInput("subcategory_retired", _("This category is retired; choose another one."))
    if not data.partner.active:
        raise InvalidInput("partner_inactive", _("This partner is no longer active."))
    return {
        "partner": data.partner,
        "group": data.group,
        "title": title,
        "description": data.description.strip(),
        "schedule": schedule,
        "how_to_ask": how,
        "subcategory": data.subcategory,
    }


def menu_entry_save(
    *,
    user: User,
    data: EntryData,
    entry: MenuEntry | None = None,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> MenuEntry:
    """Put a service on the menu (offered from now), or change `entry`; a stale `version` is a
    Conflict, never a silent overwrite."""
    _keeper(user)
    _street_of_user(user, data.partner.street)
    columns = _entry_clean(data)
    with transaction.atomic():
        if entry is None:
            entry = MenuEntry.objects.create(**columns, offered_from=timezone.now())
            action = "menu.entry_create"
        else:
            expected = entry.version if version is None else version
            updated = MenuEntry.objects.filter(pk=entry.pk, version=expected).update(
                **columns, version=entry.version + 1, updated_at=timezone.now()
            )
            if not updated:
                raise Conflict("menu_entry_changed", _("Someone changed this service meanwhile; reload and try again."))
            entry.refresh_from_db()
            action = "menu.entry_update"
        audit_record(action=action, actor=user, request=request, obj=entry, detail={"title": entry.title})
    return entry


def menu_entry_withdraw(*, user: User, entry: MenuEntry, request: HttpRequest | None = None) -> MenuEntry:
    """Take a service off the menu from now on; its requests stay."""
    _keeper(user)
    _street_of_user(user, entry.partner.street)
    now = timezone.now()
    with transaction.atomic():
        if not MenuEntry.objects.filter(pk=entry.pk, withdrawn_at__isnull=True).update(withdrawn_at=now):
            raise Conflict("menu_entry_withdrawn", _("This service has already been withdrawn."))
        entry.refresh_from_db()
        audit_record(action="menu.entry_withdraw", actor=user, request=request, obj=entry)
    return entry


@dataclass(frozen=True)
class PointData:
    community: Community
    building: Building | None
    name: str
    kind: str
    lat: float
    lng: float
    weekdays: str
    opens_at: dt.time
    closes_at: dt.time
    opened_on: dt.date
    closed_on: dt.date | None


def weekdays_clean(raw: str) -> str:
    """ISO weekday digits, sorted and once each ("531" → "135"), or InvalidInput."""
    digits = set(raw.replace(",", "").replace(" ", ""))
    if not digits or not digits <= set("1234567"):
        raise InvalidInput("weekdays_invalid", _("Give the weekdays as digits 1 (Monday) to 7 (Sunday), e.g. 135."))
    return "".join(sorted(digits))


def _point_clean(data: PointData) -> dict[str, Any]:
    if not data.name.strip():
        raise InvalidInput("point_name_required", _("Please give the service point's name."))
    if data.kind not in PointKind.values:
        raise InvalidInput("point_kind_invalid", _("Invalid kind of service point."))
    if not (-90 <= data.lat <= 90 and -180 <= data.lng <= 180):
        raise InvalidInput("point_position_invalid", _("The coordinates are out of range."))
    if data.opens_at >= data.closes_at:
        raise InvalidInput("point_hours_invalid", _("The opening time must be before the closing time."))
    if data.closed_on is not None and data.closed_on <= data.opened_on:
        raise InvalidInput("point_dates_invalid", _("The closing day must be after the opening day."))
    if data.building is not None and data.building.grid.community_id != data.community.pk:
        raise InvalidInput("point_building_invalid", _("The building is not in this community."))
    return {
        "community": data.community,
        "building": data.building,
        "name": data.name.strip(),
        "kind": data.kind,
        "lat": data.lat,
        "lng": data.lng,
        "weekdays": weekdays_clean(data.weekdays),
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "opened_on": data.opened_on,
        "closed_on": data.closed_on,
    }


def service_point_save(
    *, user: User, data: PointData, point: ServicePoint | None = None, request: HttpRequest | None = None
) -> ServicePoint:
    """Create a service point with its timetable, or change `point`."""
    _keeper(user)
    if data.community.pk not in menu_places(place_scope(user)).community_ids:
        raise Forbidden("menu_place_not_yours", _("This place is not one of yours."))
    columns = _point_clean(data)
    with transaction.atomic():
        if point is None:
            point = ServicePoint.objects.create(**columns)
            action = "menu.point_create"
        else:
            for key, value in columns.items():
                setattr(point, key, value)
            point.save()
            action = "menu.point_update"
        audit_record(action=action, actor=user, request=request, obj=point, detail={"name": point.name})
    return point

"""Partners, menu entries and service points for the menu tests, made through the services."""

from __future__ import annotations

import datetime as dt

from qiaomen.accounts.models import Department
from qiaomen.participation.menu.services import (
    EntryData,
    PartnerData,
    PointData,
    menu_entry_save,
    partner_save,
    service_point_save,
)
from qiaomen.participation.models.menu import MenuEntry, Partner, ServicePoint
from qiaomen.places.models import Community
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Subcategory


def make_partner(
    s: SmallStreet, name: str, *, community: Community | None = None, department: str = "weijian"
) -> Partner:
    data = PartnerData(
        street=s.street,
        community=community,
        name=name,
        kind="hospital",
        contact_name="张主任",
        contact_phone="13812345678",
        address="和平路1号",
        department=Department.objects.get(code=department),
    )
    return partner_save(user=s.users["street_admin"], data=data)


def make_entry(s: SmallStreet, partner: Partner, title: str, *, group: str = "elders") -> MenuEntry:
    data = EntryData(
        partner=partner,
        group=group,
        title=title,
        description="",
        schedule="每周二 9:00–11:30",
        how_to_ask="扫门牌码申请",
        subcategory=Subcategory.objects.get(code="LIF-ERR"),
    )
    return menu_entry_save(user=s.users["street_admin"], data=data)


def make_point(
    s: SmallStreet,
    name: str,
    *,
    lat: float,
    lng: float,
    community: Community | None = None,
    weekdays: str = "12345",
    opened_on: dt.date = dt.date(2020, 1, 1),
    closed_on: dt.date | None = None,
    kind: str = "station",
) -> ServicePoint:
    data = PointData(
        community=community or s.community_1,
        building=None,
        name=name,
        kind=kind,
        lat=lat,
        lng=lng,
        weekdays=weekdays,
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        opened_on=opened_on,
        closed_on=closed_on,
    )
    return service_point_save(user=s.users["street_admin"], data=data)

"""The service menu's year: partners and 15 services at the start, the menu growing to 38, service
points (a station per community, building points, a mobile vehicle that stopped halfway through
the year) that leave some buildings beyond 800 m, and residents asking for menu services from their QR pages,
through the real services (participation.menu), each request handled like any ticket."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from functools import partial

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Role
from qiaomen.core.geo import distance_m
from qiaomen.demo.history.handling import ticket_follow
from qiaomen.demo.history.menu_catalogue import AT_START, ENTRIES, PARTNERS, WITHDRAWN
from qiaomen.demo.history.world import World
from qiaomen.participation.menu.requests import MenuAsk, entries_for_door_code, menu_request_submit
from qiaomen.participation.menu.services import (
    EntryData,
    PartnerData,
    PointData,
    menu_entry_save,
    menu_entry_withdraw,
    partner_save,
    service_point_save,
)
from qiaomen.participation.models.menu import MenuEntry, Partner
from qiaomen.places.models import Building, Community, Street
from qiaomen.registry.models import HouseholdStatus

REQUESTS_PER_HOUSEHOLD_YEAR = 0.02
NOTES = ["", "", "下午在家", "老人行动不便，请提前电话联系", "周末方便", "希望尽快安排"]


def _admin() -> User:
    """The street admin keeps the menu (MANAGE_MENU over the whole street)."""
    admin = User.objects.filter(role=Role.STREET_ADMIN, is_active=True).order_by("pk").first()
    assert admin is not None, "seed_demo makes the street admin before the year"
    return admin


def menu_plan(world: World) -> None:
    """Put the menu's year on the timeline (module docstring)."""
    start, days = world.timeline.start, world.year.days
    entries: dict[str, int] = {}
    world.timeline.at(start, partial(_start, world, entries))
    # The other services join the menu through the year, evenly; one leaves it halfway.
    later = ENTRIES[AT_START:]
    for index, row in enumerate(later):
        day = days[(index + 1) * (len(days) - 1) // (len(later) + 1)]
        world.timeline.at(world.year.working_moment(world.rng("menu"), day), partial(_entry_add, world, entries, row))
    world.timeline.at(
        world.year.working_moment(world.rng("menu"), days[len(days) // 2]), partial(_withdraw, world, entries)
    )
    rng = world.rng("menu.requests")
    households = [
        h for h in world.households.values() if h.status == HouseholdStatus.OCCUPIED and h.pk in world.door_codes
    ]
    count = round(len(households) * REQUESTS_PER_HOUSEHOLD_YEAR * len(days) / 365)
    for _ in range(count):
        household = rng.choice(households)
        day = days[rng.randrange(len(days))]
        key = uuid.UUID(int=rng.getrandbits(128), version=4)
        pick, note = rng.random(), rng.choice(NOTES)
        world.timeline.at(world.year.any_moment(rng, day), partial(_ask, world, household.pk, key, pick, note))


def _start(world: World, entries: dict[str, int], at: dt.datetime) -> None:
    admin = _admin()
    street = Street.objects.order_by("pk").first()
    assert street is not None
    first = Community.objects.filter(street=street).order_by("code").first()
    departments = {d.code: d for d in Department.objects.all()}
    for name, kind, department, local in PARTNERS:
        data = PartnerData(
            street=street,
            community=first if local else None,
            name=name,
            kind=kind,
            contact_name="服务台",
            contact_phone="02088886666",
            address="",
            department=departments[department],
        )
        partner_save(user=admin, data=data)
    for row in ENTRIES[:AT_START]:
        _entry_add(world, entries, row, at)
    _points_create(admin, world.year.start, world.year.today)


def _entry_add(world: World, entries: dict[str, int], row: tuple[str, str, int, str, str], at: dt.datetime) -> None:
    group, title, partner_index, schedule, code = row
    data = EntryData(
        partner=Partner.objects.get(name=PARTNERS[partner_index][0]),
        group=group,
        title=title,
        description="",
        schedule=schedule,
        how_to_ask="扫门牌码在“服务菜单”中申请，或致电社区",
        subcategory=world.subcategories[code],
    )
    entries[title] = menu_entry_save(user=_admin(), data=data).pk
    world.counts["menu_entries"] += 1


def _withdraw(world: World, entries: dict[str, int], at: dt.datetime) -> None:
    if WITHDRAWN in entries:
        menu_entry_withdraw(
            user=_admin(), entry=MenuEntry.objects.select_related("partner__street").get(pk=entries[WITHDRAWN])
        )


def _points_create(admin: User, year_start: dt.date, year_end: dt.date) -> None:
    """A station in the middle of each community's buildings, except in the street's last
    community, which had only a mobile vehicle's stops (one per grid, Tuesdays and Fridays) in
    the first half of the year: its buildings are now covered only where another community's
    station lies within 800 m. And a Saturday building point."""
    rows = Building.objects.filter(lat__isnull=False, lng__isnull=False).values_list(
        "grid_id", "grid__community_id", "lat", "lng"
    )
    by_grid: dict[int, list[tuple[float, float]]] = defaultdict(list)
    grid_community: dict[int, int] = {}
    for grid_id, community_id, lat, lng in rows:
        if lat is not None and lng is not None:
            by_grid[grid_id].append((lat, lng))
            grid_community[grid_id] = community_id
    communities = Community.objects.in_bulk(set(grid_community.values()))
    last = max(communities.values(), key=lambda community: community.code, default=None)
    halfway = year_start + (year_end - year_start) / 2
    for community in sorted(communities.values(), key=lambda c: c.code):
        grids = sorted(g for g, c in grid_community.items() if c == community.pk)
        mobile = community == last and len(communities) > 1
        groups = [by_grid[g] for g in grids] if mobile else [[s for g in grids for s in by_grid[g]]]
        for number, spots in enumerate(groups, start=1):
            data = PointData(
                community=community,
                building=None,
                name=f"{community.name}{f'流动服务车第{number}站' if mobile else '服务站'}",
                kind="mobile" if mobile else "station",
                lat=sum(s[0] for s in spots) / len(spots),
                lng=sum(s[1] for s in spots) / len(spots),
                weekdays="25" if mobile else "12345",
                opens_at=dt.time(9),
                closes_at=dt.time(17),
                opened_on=year_start,
                closed_on=halfway if mobile else None,
            )
            service_point_save(user=admin, data=data)
    # The building point stands where the street is farthest from the last community, so that it
    # does not quietly cover what the mobile vehicle left.
    away = [s for g, c in grid_community.items() if last is None or c != last.pk for s in by_grid[g]]
    served = [s for g, c in grid_community.items() if last is not None and c == last.pk for s in by_grid[g]]
    if not away or not served:
        return
    centre = (sum(s[0] for s in served) / len(served), sum(s[1] for s in served) / len(served))
    far = max(away, key=lambda spot: distance_m(spot, centre))
    first = Building.objects.filter(lat=far[0], lng=far[1]).select_related("grid__community").order_by("pk").first()
    if first is not None and first.lat is not None and first.lng is not None:
        data = PointData(
            community=first.grid.community,
            building=first,
            name=f"{first.name}楼栋服务点",
            kind="building",
            lat=first.lat,
            lng=first.lng,
            weekdays="6",
            opens_at=dt.time(9),
            closes_at=dt.time(11, 30),
            opened_on=year_start,
            closed_on=None,
        )
        service_point_save(user=admin, data=data)


def _ask(world: World, household_id: int, key: uuid.UUID, pick: float, note: str, at: dt.datetime) -> None:
    code = world.door_codes[household_id]
    offered = list(entries_for_door_code(code).values_list("pk", flat=True))
    if not offered:
        return
    # Residents tick the health-consent box: a request for a doctor's visit is about health.
    ask = MenuAsk(entry_pk=offered[int(pick * len(offered))], submission_id=key, note=note, health_consent=True)
    ticket, created = menu_request_submit(code=code, ask=ask)
    if created:
        world.counts["menu_requests"] += 1
        ticket_follow(world, ticket)

"""The year's volunteers (R-PAR-1), through the participation services: on the first morning each
grid's worker gets a team of residents (about one volunteer per fifty households, at most five a
grid), each volunteer looks after a few households; about once a quarter a volunteer records
service (an activity, a visit accompanied or an errand of the grid), the grid worker confirms the
hours two days later, points are earned, now and then redeemed from the street's catalogue; a
few residents offer to volunteer from their QR page; the stars are computed on 1 January and
again at the end of the year so far."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.core.errors import DomainError
from qiaomen.demo.history.calendar import local_moment
from qiaomen.demo.history.timeline import Action
from qiaomen.demo.history.world import World
from qiaomen.participation.models.volunteer_points import CatalogueItem, ServiceKind, ServiceRecord
from qiaomen.participation.models.volunteers import Volunteer
from qiaomen.participation.volunteers.applications import application_receive
from qiaomen.participation.volunteers.enrolment import (
    care_assign,
    team_add,
    team_create,
    training_record,
    volunteer_enrol,
)
from qiaomen.participation.volunteers.hours import service_confirm, service_record
from qiaomen.participation.volunteers.ledger import catalogue_item_save, points_balance, points_redeem, rate_set
from qiaomen.participation.volunteers.selectors import ERRAND
from qiaomen.participation.volunteers.stars import star_ratings_compute
from qiaomen.places.models import Street
from qiaomen.registry.models import Household, Person, PersonStatus, Relationship
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Visit

# Kept small so the whole year stays within its time budget (about 60 volunteers on the
# 3,000-household street, against the plan's 200: the figure shows a target not met yet).
HOUSEHOLDS_PER_VOLUNTEER = 50
MAX_PER_GRID = 5  # one team per grid: its worker and up to five volunteers
LOOKED_AFTER = 3  # households each volunteer looks after
SERVICE_EVERY_DAYS = (75, 105)  # a quarter's service recorded at once
ACTIVITIES = ["社区义诊协助", "重阳节敬老活动", "垃圾分类宣传", "楼道清扫", "防诈骗宣讲", "儿童托管", "文艺汇演服务"]
CATALOGUE = [("大米一袋（5 公斤）", 60, 40), ("食用油一桶", 50, 40), ("理发服务券", 20, 100), ("家电清洗服务", 120, 15)]
RATES = {ServiceKind.VISIT: 10, ServiceKind.ERRAND: 12, ServiceKind.ACTIVITY: 8}
SKILLS = ["理发", "维修水电", "陪伴聊天", "读报", "跑腿代办", "电脑手机教学", "医护"]
TIMES = ["周末上午", "工作日晚上", "每天下午", "周末全天"]


def volunteers_plan(world: World) -> None:
    start = local_moment(world.year.start, 8, 30)
    world.timeline.at(start, lambda moment: _enrol(world))
    new_year = dt.date(world.year.start.year + 1, 1, 1)
    if new_year <= world.year.today:
        world.timeline.at(local_moment(new_year, 0, 30), lambda moment: _stars(world, new_year.year - 1))
    world.timeline.at(world.year.now, lambda moment: _stars(world, world.year.today.year))


def _enrol(world: World) -> None:
    rng = world.rng("volunteers")
    street = Street.objects.order_by("pk").first()
    admin = User.objects.filter(role=Role.STREET_ADMIN).order_by("pk").first()
    if street is None or admin is None:
        return
    for kind, rate in RATES.items():
        rate_set(street=street, kind=kind, points_per_hour=rate, actor=admin)
    for name, points, stock in CATALOGUE:
        catalogue_item_save(street=street, name=name, points=points, stock=stock, actor=admin)
    by_grid: dict[int, list[int]] = defaultdict(list)
    for household in world.households.values():
        by_grid[household.building.grid_id].append(household.pk)
    # Heads of households and their spouses: grown-ups, without reading anyone's birth date.
    adults: dict[int, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(
        status=PersonStatus.ACTIVE,
        household_id__in=list(world.households),
        relationship__in=[Relationship.HEAD, Relationship.SPOUSE],
    ).order_by("pk"):
        if person.household_id is not None:
            adults[world.households[person.household_id].building.grid_id].append(person)
    # The demo's volunteer login (demo/users.py) belongs to the first volunteer enrolled: one of
    # the first grid, worker1's grid1.
    account = User.objects.filter(role=Role.VOLUNTEER, volunteer__isnull=True).order_by("pk").first()
    for grid_id, households in sorted(by_grid.items()):
        worker = world.staff.grid_workers.get(grid_id)
        candidates = adults.get(grid_id, [])
        count = min(MAX_PER_GRID, max(1, round(len(households) / HOUSEHOLDS_PER_VOLUNTEER)), len(candidates))
        if worker is None or not count:
            continue
        grid = world.households[households[0]].building.grid
        teams = [
            team_create(grid=grid, leader=worker, name=f"{grid.name}志愿{n + 1}队", actor=admin)
            for n in range((count + 4) // 5)
        ]
        free = rng.sample(households, len(households))
        for index, person in enumerate(rng.sample(candidates, count)):
            volunteer = volunteer_enrol(
                person=person,
                grid=grid,
                actor=admin,
                skills=rng.choice(SKILLS),
                availability=rng.choice(TIMES),
                user=account,
            )
            account = None
            volunteer = team_add(team=teams[index // 5], volunteer=volunteer, actor=admin)
            for household_id in free[index * LOOKED_AFTER : (index + 1) * LOOKED_AFTER]:
                care_assign(volunteer=volunteer, household=world.households[household_id], actor=admin)
            if rng.random() < 0.5:
                training_record(
                    volunteer=volunteer,
                    title=rng.choice(["急救培训", "敲门走访礼仪", "防诈骗知识"]),
                    hours=Decimal(rng.choice([4, 8])),
                    completed_on=world.year.start,
                    actor=admin,
                )
            _plan_services(world, rng, volunteer, worker)
    codes = list(world.door_codes.values())
    for code in rng.sample(codes, min(4, len(codes))):
        day = world.year.start + dt.timedelta(days=rng.randrange(max(1, (world.year.today - world.year.start).days)))
        world.timeline.at(local_moment(day, 19), _apply_at(rng, code.household))


def _apply_at(rng: random.Random, household: Household) -> Action:
    return lambda moment: _apply(rng, household)


def _apply(rng: random.Random, household: Household) -> None:
    application_receive(household=household, skills=rng.choice(SKILLS), availability=rng.choice(TIMES))


def _plan_services(world: World, rng: random.Random, volunteer: Volunteer, worker: User) -> None:
    day = world.year.start + dt.timedelta(days=rng.randrange(*SERVICE_EVERY_DAYS))
    while day < world.year.today:
        moment = local_moment(day, rng.choice([9, 10, 14, 15]))
        world.timeline.at(moment, _serve_at(world, rng, volunteer, worker, day))
        day += dt.timedelta(days=rng.randrange(*SERVICE_EVERY_DAYS))


def _serve_at(world: World, rng: random.Random, volunteer: Volunteer, worker: User, day: dt.date) -> Action:
    return lambda moment: _serve(world, rng, volunteer, worker, day)


def _serve(world: World, rng: random.Random, volunteer: Volunteer, worker: User, day: dt.date) -> None:
    """A visit accompanied or an errand of the grid (the latest one), or else an activity. The
    latest by id, walking back the primary key: cheap, where a scan by grid would not be."""
    hours = Decimal(str(rng.choice([2, 2.5, 3, 4, 6])))
    roll = rng.random()
    visit = Visit.objects.filter(grid_id=volunteer.grid_id).order_by("-pk").first() if roll < 0.25 else None
    errand = (
        Ticket.objects.filter(grid_id=volunteer.grid_id, subcategory__code=ERRAND).order_by("-pk").first()
        if 0.25 <= roll < 0.4
        else None
    )
    kind = ServiceKind.VISIT if visit else ServiceKind.ERRAND if errand else ServiceKind.ACTIVITY
    try:
        served = service_record(
            volunteer=volunteer,
            kind=kind,
            hours=hours,
            served_on=day,
            actor=worker,
            visit=visit,
            ticket=errand,
            description=rng.choice(ACTIVITIES),
        )
    except DomainError:  # the same visit or errand already counted: an activity instead
        served = service_record(
            volunteer=volunteer,
            kind=ServiceKind.ACTIVITY,
            hours=hours,
            served_on=day,
            actor=worker,
            description=rng.choice(ACTIVITIES),
        )
    world.counts["volunteer_services"] += 1
    confirm_at = local_moment(day + dt.timedelta(days=2), 17)
    world.timeline.at(confirm_at, lambda at: _confirm(world, rng, served, worker))


def _confirm(world: World, rng: random.Random, served: ServiceRecord, worker: User) -> None:
    served = service_confirm(service=served, actor=worker)
    world.counts["volunteer_hours_confirmed"] += 1
    volunteer = served.volunteer
    if rng.random() < 0.5:
        balance = points_balance(volunteer)
        affordable = list(CatalogueItem.objects.filter(points__lte=balance, stock__gte=1).order_by("pk"))
        if affordable:
            item = rng.choice(affordable)
            points_redeem(volunteer=volunteer, item=item, actor=worker)
            world.counts["volunteer_redemptions"] += 1


def _stars(world: World, year: int) -> None:
    world.counts["volunteer_star_ratings"] += star_ratings_compute(year=year)

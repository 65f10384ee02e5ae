"""The grid workers' visits of the year, at each group's cadence (visits.rules: special groups
twice a calendar month, every other household once a quarter), with realistic gaps.

A visit is planned on a working day of its period; a community's diligence decides whether it
happens. At the door somebody is home, or nobody is (the worker comes back within two weeks
now and then), or the household refuses. A diligent community visits a special household that
nobody met this month once more before the month ends. A visit that met the household may hear
a demand: settled on the spot, or a proactive ticket. A worker's day reaches the server as the
phone syncs after the day's last door (visits_record_batch_with_tickets), as a phone without
signal in the stairwells sends it; the tickets of its demands are made then.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from functools import partial

from qiaomen.accounts.models import User
from qiaomen.demo.history.calendar import local_day
from qiaomen.demo.history.handling import ticket_follow
from qiaomen.demo.history.mix import ON_SPOT, VISIT_WEIGHTS, demand_text, demand_weights, draw, seasons_of
from qiaomen.demo.history.world import World
from qiaomen.registry.models import Household, HouseholdStatus
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.services.visit_demands import visits_record_batch_with_tickets
from qiaomen.visits.models import Outcome
from qiaomen.visits.recording import MAX_BATCH, DemandInput, VisitInput

REFUSALS = ("家中老人身体不适，不便接待", "住户表示工作繁忙，不愿配合", "住户对走访有顾虑，拒绝开门")
HEALTH = ("良好", "良好", "良好", "一般", "一般", "较差")
METRES_PER_DEGREE = 111_000.0
# In a community without follow-up, this share of households is visited far less than due.
NEGLECTED_SHARE = 0.2
# (grid, day) → the visits its worker's phone sends in the evening sync, with their moments.
Synced = dict[tuple[int, dt.date], list[tuple[dt.datetime, VisitInput]]]


def _periods(year_start: dt.date, today: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """[first, last] days of each `months`-long calendar period touching the year, clipped to it."""
    periods = []
    first = dt.date(year_start.year, ((year_start.month - 1) // months) * months + 1, 1)
    while first <= today:
        month_index = first.month - 1 + months
        after = dt.date(first.year + month_index // 12, month_index % 12 + 1, 1)
        periods.append((max(first, year_start), min(after - dt.timedelta(days=1), today)))
        first = after
    return periods


def _working_day(world: World, rng: random.Random, first: dt.date, last: dt.date) -> dt.date | None:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    working = [day for day in days if world.year.is_working_day(day)]
    return rng.choice(working) if working else None


def _outcome(rng: random.Random, household: Household) -> str:
    away = household.status == HouseholdStatus.SEPARATED
    roll = rng.random()
    if roll < (0.55 if away else 0.13):
        return Outcome.NOT_HOME
    if roll < (0.58 if away else 0.16):
        return Outcome.REFUSED
    return Outcome.MET


# The phone syncs this long after the day's last visit.
SYNC_AFTER = dt.timedelta(minutes=10)


def visits_plan(world: World) -> None:
    """Put every visit of the year on the timeline, drawn household by household and sent in
    their worker's evening sync."""
    synced: Synced = defaultdict(list)
    _visits_drawn(world, synced)
    for (grid_id, _day), visits in sorted(synced.items()):
        visits.sort(key=lambda pair: pair[1].visited_at)
        sync_at = min(max(moment for moment, _ in visits) + SYNC_AFTER, world.timeline.end)
        items = [item for _, item in visits]
        worker = world.staff.grid_workers[grid_id]
        for start in range(0, len(items), MAX_BATCH):
            chunk = items[start : start + MAX_BATCH]
            world.timeline.at(sync_at, partial(_sync, world, worker, chunk))


def _visits_drawn(world: World, synced: Synced) -> None:
    rng = world.rng("visits")
    months = _periods(world.year.start, world.year.today, 1)
    quarters = _periods(world.year.start, world.year.today, 3)
    for household in world.households.values():
        if household.status == HouseholdStatus.VACANT:
            continue  # nobody lives there: the registry knows, the worker does not knock
        quality = world.community_of(household)
        diligence = quality.visit_diligence
        if not quality.special_follow_up and rng.random() < NEGLECTED_SHARE:
            diligence *= 0.3  # a household the worker keeps putting off
        if household.pk in world.special:
            for first, last in months:
                middle = first + (last - first) // 2
                halves = [(first, middle), (min(middle + dt.timedelta(days=1), last), last)]
                outcomes = []
                for start, end in halves:
                    day = _working_day(world, rng, start, end)
                    if day is not None and rng.random() < diligence:
                        outcomes.append(_visit_at(world, synced, rng, household, day, _outcome(rng, household)))
                if quality.special_follow_up and Outcome.MET not in outcomes:
                    day = _working_day(world, rng, max(first, last - dt.timedelta(days=3)), last)
                    if day is not None:
                        _visit_at(world, synced, rng, household, day, Outcome.MET)
        else:
            for first, last in quarters:
                day = _working_day(world, rng, first, last)
                if day is None or rng.random() >= diligence:
                    continue
                outcome = _visit_at(world, synced, rng, household, day, _outcome(rng, household))
                if outcome == Outcome.NOT_HOME and rng.random() < 0.6:
                    again = _working_day(world, rng, day + dt.timedelta(days=3), min(last, day + dt.timedelta(days=14)))
                    if again is not None:
                        _visit_at(world, synced, rng, household, again, _outcome(rng, household))


def _visit_at(
    world: World, synced: Synced, rng: random.Random, household: Household, day: dt.date, outcome: str
) -> str:
    moment = world.year.working_moment(rng, day)
    client_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
    if moment <= world.timeline.end:  # a visit later today has not happened yet
        item = _visit_drawn(world, household, moment, outcome, client_uuid)
        synced[(household.building.grid_id, day)].append((moment, item))
    return outcome


# Needs that come together: an elder living alone who needs meals brought often needs a home
# doctor too, which the co-occurrence analysis (analytics.cooccurrence) is there to find.
ASKED_TOGETHER = {"LIF-MEAL": ("LIF-MED", 0.6)}


def _asked_together(
    world: World, household: Household, code: str, seasons: list[str], skill: float
) -> list[DemandInput]:
    """The second demand heard on the same visit, from a draw of its own (the visit's draws stay
    as they were)."""
    if code not in ASKED_TOGETHER or household.pk not in world.special:
        return []
    rng = world.rng("asked together")
    other, chance = ASKED_TOGETHER[code]
    if rng.random() >= chance:
        return []
    return [DemandInput(demand_text(rng, other, seasons), rng.random() < ON_SPOT[other] * skill, other)]


def _visit_drawn(
    world: World, household: Household, at: dt.datetime, outcome: str, client_uuid: uuid.UUID
) -> VisitInput:
    """What the worker finds and notes at the door at `at`."""
    rng = world.rng("visit")
    building = household.building
    quality = world.community_of(household)
    demands: list[DemandInput] = []
    answers: dict[str, str] = {}
    if outcome == Outcome.MET:
        answers = {"health": rng.choice(HEALTH), "safety": "安全" if rng.random() < 0.95 else "有隐患"}
        if rng.random() < quality.demand_per_visit:
            day = local_day(at)
            seasons = seasons_of(day, day in world.year.after_festival)
            lasting = world.troubled.get(building.pk)
            code = lasting if lasting and rng.random() < 0.5 else draw(rng, demand_weights(VISIT_WEIGHTS, seasons))
            on_spot = rng.random() < ON_SPOT[code] * quality.on_spot_skill
            demands.append(DemandInput(demand_text(rng, code, seasons), on_spot, code))
            demands += _asked_together(world, household, code, seasons, quality.on_spot_skill)
    lat = lng = None
    if building.lat is not None and building.lng is not None:
        lat = round(building.lat + rng.gauss(0, 25) / METRES_PER_DEGREE, 6)
        lng = round(building.lng + rng.gauss(0, 25) / METRES_PER_DEGREE, 6)
    return VisitInput(
        household=household,
        client_uuid=client_uuid,
        visited_at=at - dt.timedelta(minutes=rng.randint(1, 20)),
        outcome=outcome,
        lat=lat,
        lng=lng,
        answers=answers,
        demands=tuple(demands),
        refused_reason=rng.choice(REFUSALS) if outcome == Outcome.REFUSED else "",
    )


def _sync(world: World, worker: User, items: list[VisitInput], _at: dt.datetime) -> None:
    """The phone's evening sync: the day's visits, and a ticket for each demand not settled at
    the door, which its department then takes up."""
    recorded = visits_record_batch_with_tickets(worker=worker, items=items)
    asked = []
    for item, (visit, _created) in zip(items, recorded, strict=True):
        world.counts[f"visits_{item.outcome}"] += 1
        for demand in item.demands:
            world.counts["demands_on_spot" if demand.resolved_on_spot else "demands_ticketed"] += 1
        if any(not demand.resolved_on_spot for demand in item.demands):
            asked.append(visit)
    if asked:
        for ticket in Ticket.objects.filter(demand__visit__in=asked).select_related("department").order_by("pk"):
            ticket_follow(world, ticket)

"""Bench data for the command centre, part 2: the street's grid workers and a year of visits.

Each household is visited at the cadence the visit rules give it (a special group twice a month,
any other household once a quarter, as `visits.VisitRule` holds them), scaled so that the year
holds the number of visits asked for, a little less in the grids whose worker falls behind; the
visits of a household are spaced evenly over the year with some jitter, on working hours in
Shanghai, with the usual mix of outcomes (common.visit_outcome). Written with the project's
`BulkInsert`, so that the answers are sealed to their rows as the ORM would store them (through
COPY on PostgreSQL).
This is bench data, not the demo (see command_data.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import multiprocessing
import random
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from common import visit_outcome

YEAR_DAYS = 365
FLUSH_EVERY = 20_000
# A grid worker who falls behind reaches this share of the cadence, one who keeps up all of it.
DILIGENCE_RANGE = (0.82, 1.08)
PERIOD_TIMES = {"month": 12, "quarter": 4}
PHONE_SHARE = 0.05  # contact by phone or video instead of at the door
FAR_SHARE = 0.02  # checked in far from the building
ON_SPOT_SHARE = 0.04  # a small need settled during the visit itself
_VISIT_COLUMNS = (
    "client_uuid",
    "household_id",
    "grid_id",
    "worker_id",
    "visit_type_id",
    "visited_at",
    "received_at",
    "contact_mode",
    "outcome",
    "refused_reason",
    "lat",
    "lng",
    "distance_m",
    "far_from_building",
    "answers",
    "resolved_on_spot",
)


@dataclass(frozen=True)
class Home:
    """A household as the generators need it: where it is and how often it is due a visit."""

    pk: int
    building_id: int
    grid_id: int
    lat: float
    lng: float
    special: bool
    yearly: int  # visits a year its strictest rule asks for


def homes_load() -> list[Home]:
    """Every household not marked moved out, with the yearly visits its strictest rule asks for."""
    from qiaomen.registry.models import Household, HouseholdStatus, PersonStatus, PersonTag
    from qiaomen.visits.models import VisitRule

    rules = list(VisitRule.objects.filter(active=True).values_list("tag_id", "period", "min_visits"))
    everyone = max((PERIOD_TIMES[period] * least for tag, period, least in rules if tag is None), default=4)
    by_tag: dict[int, int] = {}
    for tag, period, least in rules:
        if tag is not None:
            by_tag[tag] = max(by_tag.get(tag, 0), PERIOD_TIMES[period] * least)
    tagged: dict[int, int] = {}
    for household_id, tag_id, special in PersonTag.objects.filter(person__status=PersonStatus.ACTIVE).values_list(
        "person__household_id", "tag_id", "tag__is_special_group"
    ):
        if special and household_id is not None:
            tagged[household_id] = max(tagged.get(household_id, everyone), by_tag.get(tag_id, everyone))
    rows = (
        Household.objects.exclude(status=HouseholdStatus.MOVED_OUT)
        .order_by("pk")
        .values_list("pk", "building_id", "building__grid_id", "building__lat", "building__lng")
    )
    return [
        Home(pk, building, grid, lat or 0.0, lng or 0.0, pk in tagged, tagged.get(pk, everyone))
        for pk, building, grid, lat, lng in rows
    ]


def grid_workers_create(grid_ids: list[int]) -> dict[int, int]:
    """One grid worker per grid (the demo's own two keep theirs): grid id → user id."""
    from qiaomen.accounts.models import PlaceAssignment, User
    from qiaomen.accounts.roles import Role

    workers = dict(
        PlaceAssignment.objects.filter(grid_id__in=grid_ids, user__role=Role.GRID_WORKER).values_list(
            "grid_id", "user_id"
        )
    )
    missing = [grid for grid in grid_ids if grid not in workers]
    users = User.objects.bulk_create(
        User(
            username=f"bench_worker_{grid}",
            password="!",  # unusable: nobody signs in as a bench worker  # noqa: S106
            role=Role.GRID_WORKER,
            display_name=f"网格员{grid:04d}",
            staff_number=f"BW-{grid:05d}",
        )
        for grid in missing
    )
    PlaceAssignment.objects.bulk_create(
        PlaceAssignment(user=user, grid_id=grid) for grid, user in zip(missing, users, strict=True)
    )
    workers.update({grid: user.pk for grid, user in zip(missing, users, strict=True)})
    return workers


def visit_counts(homes: list[Home], total: int, rng: random.Random) -> list[int]:
    """Visits per household in the year: its cadence scaled to `total` and by its grid's
    diligence, summing to exactly `total`."""
    diligence = {grid: rng.uniform(*DILIGENCE_RANGE) for grid in sorted({home.grid_id for home in homes})}
    weights = [home.yearly * diligence[home.grid_id] for home in homes]
    scale = total / sum(weights) if weights else 0.0
    counts = []
    for weight in weights:
        expected = weight * scale
        counts.append(math.floor(expected) + (rng.random() < expected - math.floor(expected)))
    # Rounding leaves the sum a few off: settle the difference on households drawn at random.
    difference = total - sum(counts)
    while difference and homes:
        index = rng.randrange(len(homes))
        if difference > 0:
            counts[index] += 1
            difference -= 1
        elif counts[index] > 1:
            counts[index] -= 1
            difference += 1
    return counts


def visit_moments(count: int, *, now: dt.datetime, tz: dt.tzinfo, rng: random.Random) -> list[dt.datetime]:
    """`count` moments spaced evenly over the year before `now` (random phase, some jitter), each
    on a working hour in Shanghai."""
    if count == 0:
        return []
    gap = YEAR_DAYS / count
    phase = rng.random()
    today = now.astimezone(tz).date()
    moments = []
    for index in range(count):
        days_back = min(YEAR_DAYS - 1, max(0.0, (index + phase + rng.uniform(-0.3, 0.3)) * gap))
        day = today - dt.timedelta(days=int(days_back))
        minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        moment = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=tz)
        moments.append(min(moment, now - dt.timedelta(minutes=rng.randrange(1, 120))))
    return moments


def visits_write(
    homes: list[Home], workers: dict[int, int], *, total: int, now: dt.datetime, seed: int, shards: int = 1
) -> Counter[str]:
    """`total` visits over the year before `now`; the count of each outcome. With `shards` > 1
    (PostgreSQL, outside any transaction) that many processes write every shards-th household's
    visits each, in a transaction of their own: the rows are made in Python, one core per process."""
    from django.db import connections

    global _shard_work  # what the forked processes inherit instead of a pickled copy
    rng = random.Random(seed)
    counts = visit_counts(homes, total, rng)
    if shards == 1:
        return _visits_of(homes, counts, workers, now=now, rng=rng)
    _shard_work = (homes, counts, workers, now, seed)
    connections.close_all()  # a forked process must not share the parent's connection
    with ProcessPoolExecutor(shards, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_shard_write, range(shards), itertools.repeat(shards)))
    _shard_work = None
    return sum(parts, Counter())


_shard_work: tuple[list[Home], list[int], dict[int, int], dt.datetime, int] | None = None


def _shard_write(shard: int, shards: int) -> Counter[str]:
    from django.db import transaction

    assert _shard_work is not None
    homes, counts, workers, now, seed = _shard_work
    with transaction.atomic():
        return _visits_of(
            homes[shard::shards], counts[shard::shards], workers, now=now, rng=random.Random(seed * 1000 + shard)
        )


def _visits_of(
    homes: list[Home], counts: list[int], workers: dict[int, int], *, now: dt.datetime, rng: random.Random
) -> Counter[str]:
    """Each household's visits, `counts` of them, over the year before `now`."""
    from django.utils import timezone

    from qiaomen.core.bulk import BulkInsert
    from qiaomen.visits.models import Visit, VisitType

    tz = timezone.get_default_timezone()
    routine = VisitType.objects.get(code="routine").pk
    writer = BulkInsert(Visit, varying=_VISIT_COLUMNS, constants={"notes": ""})
    outcomes: Counter[str] = Counter()
    for home, count in zip(homes, counts, strict=True):
        worker = workers[home.grid_id]
        for moment in visit_moments(count, now=now, tz=tz, rng=rng):
            outcome, answers, reason = visit_outcome(rng)
            outcomes[outcome] += 1
            phone = rng.random() < PHONE_SHARE
            far = not phone and rng.random() < FAR_SHARE
            metres = 0 if phone else (rng.randint(250, 900) if far else rng.randint(2, 60))
            north = rng.uniform(-1, 1) * metres
            east = math.copysign(math.sqrt(max(0.0, metres**2 - north**2)), rng.uniform(-1, 1))
            writer.add(
                {
                    "client_uuid": uuid.UUID(int=rng.getrandbits(128)),
                    "household_id": home.pk,
                    "grid_id": home.grid_id,
                    "worker_id": worker,
                    "visit_type_id": routine,
                    "visited_at": moment,
                    "received_at": moment + dt.timedelta(seconds=rng.randrange(5, 900)),
                    "contact_mode": "phone" if phone else "in_person",
                    "outcome": outcome,
                    "refused_reason": reason,
                    "lat": None if phone else round(home.lat + north / 111_000, 6),
                    "lng": None if phone else round(home.lng + east / 96_000, 6),
                    "distance_m": None if phone else metres,
                    "far_from_building": far,
                    "answers": json.loads(answers),
                    "resolved_on_spot": outcome == "met" and rng.random() < ON_SPOT_SHARE,
                }
            )
            if len(writer.queued) >= FLUSH_EVERY:
                writer.flush()
    writer.flush()
    return outcomes

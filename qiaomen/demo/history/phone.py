"""The phone app's last week on the demo street: the first grid's worker corrects residents'
phone numbers at the door, through the service the phone's sync calls. Most corrections meet the
file as the phone read it and are applied; two were made offline on a morning when community
staff had changed the same numbers at their desk, so they wait for review on
/registry/corrections/ (and on the worker's phone), as a real week would leave them."""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from qiaomen.accounts.models import User
from qiaomen.demo.history.calendar import local_moment
from qiaomen.demo.history.world import World
from qiaomen.registry.models import Person
from qiaomen.registry.person_edit import person_edit
from qiaomen.registry.phone_corrections import person_correct_from_phone

APPLIED = 5
CONFLICTS = 2


def phone_plan(world: World) -> None:
    worker = User.objects.filter(username="worker1").first()
    staff = User.objects.filter(username="community1").first()
    if worker is None or staff is None:
        return
    grids = worker.places.exclude(grid=None).values("grid")
    people = list(
        Person.objects.filter(household__building__grid__in=grids)
        .exclude(phone_masked="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = world.rng("phone")
    chosen = rng.sample(people, min(len(people), APPLIED + CONFLICTS))
    # The working days of the week before today (today's morning may not have come yet).
    days = [day for day in world.year.days[-8:-1] if world.year.is_working_day(day)] or world.year.days[-2:-1]
    for index, person_id in enumerate(chosen):
        day = days[index % len(days)]
        number = "139" + "".join(str(rng.randrange(10)) for _ in range(8))
        if index < APPLIED:
            moment = local_moment(day, 10, rng.randrange(60))
            world.timeline.at(moment, functools.partial(_at_door, world, worker, person_id, number))
        else:
            # Read on the phone in the morning, changed at the desk, then corrected at the door.
            desk_number = "137" + "".join(str(rng.randrange(10)) for _ in range(8))
            world.timeline.at(
                local_moment(day, 10), functools.partial(_race, world, worker, staff, person_id, number, desk_number)
            )


def _at_door(world: World, user: User, person_id: int, number: str, at: dt.datetime) -> None:
    _correct(world, user, person_id, number, at)


def _correct(
    world: World, user: User, person_id: int, number: str, at: dt.datetime, version: int | None = None
) -> None:
    person = Person.objects.get(pk=person_id)
    correction, _ = person_correct_from_phone(
        person=person,
        user=user,
        client_uuid=uuid.UUID(int=world.rng("phone uuids").getrandbits(128)),
        field="phone",
        value=number,
        version=person.version if version is None else version,
        made_at=at,
    )
    world.counts[f"phone_corrections_{correction.status}"] += 1


def _race(
    world: World, worker: User, staff: User, person_id: int, number: str, desk_number: str, at: dt.datetime
) -> None:
    person = Person.objects.get(pk=person_id)
    read = person.version
    person_edit(person=person, user=staff, version=read, values={"phone": desk_number}, reason="resident called")
    _correct(world, worker, person_id, number, at, version=read)

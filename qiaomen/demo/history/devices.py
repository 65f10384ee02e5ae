"""The year's home devices (R-DEV-1), through the devices services: on the first days one vendor
is enabled and community staff register about one device per fifteen households, for households
with an elder living alone, a very old elder or a disabled member (registry tags: nobody's birth
date is read), each with its grid's worker. Over the year a handful of alarms come in by the
vendor's webhook (falls, SOS, a gas alarm, some pressed again within minutes and joined to the
ticket already open), a few batteries run low, and one night three devices go silent and come
back a day or two later; the tickets these open are handled as every ticket is (handling.ticket_follow).
Each alarm is acknowledged on the device's page within minutes (a few only after the ladder has
climbed a rung or two) and someone arrives soon after. So that the command centre and the wall
have something to show when the demo opens, one device fell silent the day before and is still
offline, and one alarm came in minutes ago: nobody has taken it yet, and it has climbed to the
backup contacts.
The waiting alarm is in the first grid, so that its grid worker (the demo login worker1) holds it;
alarms come from households with a phone on file and care notes where there are such, so that
whoever holds the ticket has the contacts it needs to act.

Heartbeats are recorded only around the moments that matter: every live device reports just
before the one offline check the year runs (so that only the silent ones turn offline) and once
more shortly before the end, so the street is not all offline when the demo opens. A year of
every device's periodic heartbeats would cost minutes and show nothing more.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from qiaomen.accounts.models import User
from qiaomen.demo.history.calendar import local_moment
from qiaomen.demo.history.emergencies import emergencies_plan
from qiaomen.demo.history.handling import ticket_follow
from qiaomen.demo.history.timeline import Action
from qiaomen.demo.history.world import World
from qiaomen.devices.acknowledgements import ack_acknowledge, ack_on_site, ack_step, ack_sweep
from qiaomen.devices.events import device_event_ingest
from qiaomen.devices.heartbeats import devices_offline_sweep
from qiaomen.devices.models.acknowledgements import AckRung, AckStatus, AlarmAcknowledgement
from qiaomen.devices.models.devices import Device, DeviceKind, DeviceStatus, EventVia, Vendor
from qiaomen.devices.registration import DeviceData, device_register
from qiaomen.devices.vendors import vendor_create
from qiaomen.places.models import Grid
from qiaomen.registry.models import Person, PersonStatus, PersonTag
from qiaomen.tickets.models import Ticket

VENDOR = ("安康智联养老科技", "ankang-iot")
HOUSEHOLDS_PER_DEVICE = 15
TAGS = ("elder_alone", "elder_80", "disabled")
# A worn band or a button for a person, a gas sensor in an elder's kitchen, now and then a door sensor.
KINDS = {DeviceKind.WRISTBAND: 45, DeviceKind.SOS_BUTTON: 30, DeviceKind.GAS_SENSOR: 15, DeviceKind.DOOR_SENSOR: 10}
ALARMS_OF_KIND = {
    DeviceKind.WRISTBAND: ("alarm_fall", "alarm_fall", "alarm_sos"),
    DeviceKind.SOS_BUTTON: ("alarm_sos",),
    DeviceKind.GAS_SENSOR: ("alarm_gas", "alarm_smoke"),
}
DEVICES_PER_ALARM_A_YEAR = 10  # about one alarm a year for every ten devices
REPEATED_SHARE = 0.3  # an alarm pressed (or a fall detected) again within minutes
SILENT = 3  # devices that go silent for a day or two in the year
LOW_BATTERIES = 4
# Minutes until an alarm is acknowledged: mostly within the first five, some after a rung or two.
ACK_MINUTES = (1, 1, 2, 2, 3, 3, 4, 6, 9, 12)
FIRST_ACK_MINUTES = 7  # the year's first alarm climbs a rung, so a small street shows one
LAST_ALARM_MINUTES = 8  # the alarm still waiting when the demo opens came in this long ago


class _Devices:
    """The year's vendor and devices, and a counter for the vendor's event ids."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.vendor: Vendor | None = None
        self.devices: list[Device] = []
        self.silent: set[int] = set()  # devices not reporting now
        self.contacts: dict[int, bool] = {}  # device → its household has a phone and care notes
        self.sequence = 0
        self.acknowledged = 0

    def send(self, device: Device, kind: str, **extra: Any) -> Ticket | None:
        """One event of the device by the vendor's webhook; the ticket it opened, if any."""
        assert self.vendor is not None
        self.sequence += 1
        event = {"event_id": f"evt-{self.sequence:07d}", "device": device.serial, "kind": kind, **extra}
        result = device_event_ingest(vendor=self.vendor, event=event, via=EventVia.WEBHOOK)
        self.world.counts[f"device_events_{result.event.outcome}"] += 1
        if result.event.outcome == "opened" and result.event.ticket_id is not None:
            return Ticket.objects.get(pk=result.event.ticket_id)
        return None


def devices_plan(world: World) -> None:
    state = _Devices(world)
    world.timeline.at(local_moment(world.year.start, 9), lambda moment: _start(state))
    emergencies_plan(world)


def _owners(world: World) -> list[tuple[int, int]]:
    """(household, the tagged person) of the households a device may serve, one person each."""
    rows = (
        PersonTag.objects.filter(
            tag__code__in=TAGS, tag__active=True, person__status=PersonStatus.ACTIVE, person__household__isnull=False
        )
        .order_by("person__household_id", "person_id")
        .values_list("person__household_id", "person_id")
    )
    owners: dict[int, int] = {}
    for household_id, person_id in rows:
        if household_id in world.households:
            owners.setdefault(household_id, person_id)
    return sorted(owners.items())


def _grid_of(world: World, household_id: int) -> int:
    return world.households[household_id].building.grid_id


def _first_grid_owner(world: World, owners: list[tuple[int, int]]) -> tuple[int, int] | None:
    """An owner in the first grid (by code), the grid of the demo login worker1, if it has one."""
    grid = Grid.objects.filter(pk__in={_grid_of(world, household_id) for household_id, _ in owners}).order_by("code")
    first = grid.values_list("pk", flat=True).first()
    return next((owner for owner in owners if _grid_of(world, owner[0]) == first), None)


def _start(state: _Devices) -> None:
    world = state.world
    rng = world.rng("devices")
    state.vendor, _secret = vendor_create(name=VENDOR[0], code=VENDOR[1])
    owners = _owners(world)
    count = min(len(owners), max(1, round(len(world.households) / HOUSEHOLDS_PER_DEVICE)))
    chosen = sorted(rng.sample(owners, count))
    first = _first_grid_owner(world, owners)
    if first is not None and all(
        _grid_of(world, household_id) != _grid_of(world, first[0]) for household_id, _ in chosen
    ):
        chosen = sorted([*chosen[:-1], first])  # the demo's worker1 answers at least one device
    people = Person.objects.in_bulk([person_id for _, person_id in chosen])
    kinds = list(KINDS)
    for index, (household_id, person_id) in enumerate(chosen):
        # The first three of each kind that can alarm, so a small street has each of them.
        kind = kinds[index] if index < len(kinds) else rng.choices(kinds, weights=list(KINDS.values()))[0]
        day = world.year.start + dt.timedelta(days=rng.randrange(1, 21))
        moment = local_moment(day, rng.choice([9, 10, 14, 15]), rng.randrange(60))
        world.timeline.at(moment, _register_at(state, household_id, people[person_id], kind, index))
    # Everything else happens once the devices are in: from the fourth week on.
    begin = world.year.start + dt.timedelta(days=22)
    days = (world.year.today - begin).days
    if days < 7:
        return
    _plan_alarms(state, rng, begin, days, count)
    _plan_batteries(state, rng, begin, days)
    _plan_silences(state, rng, begin, days)
    now = world.year.now
    # The day before: one device falls silent and stays offline; minutes ago, an alarm nobody has taken.
    world.timeline.at(now - dt.timedelta(hours=30), lambda moment: _go_silent(state, rng, moment, 1, back=False))
    world.timeline.at(now - dt.timedelta(minutes=20), lambda moment: _heartbeats(state))
    world.timeline.at(now - dt.timedelta(minutes=LAST_ALARM_MINUTES), lambda moment: _last_alarm(state))


def _register_at(state: _Devices, household_id: int, person: Person, kind: str, index: int) -> Action:
    return lambda moment: _register(state, household_id, person, kind, index)


def _register(state: _Devices, household_id: int, person: Person, kind: str, index: int) -> None:
    world = state.world
    assert state.vendor is not None
    household = world.households[household_id]
    grid = household.building.grid
    staff: User = world.staff.community_staff[grid.community_id]
    data = DeviceData(
        vendor=state.vendor,
        serial=f"AK{kind[:2].upper()}{household_id:06d}{index:03d}",
        kind=kind,
        household=household,
        person=person if kind in (DeviceKind.WRISTBAND, DeviceKind.SOS_BUTTON) else None,
        grid_worker=world.staff.grid_workers.get(grid.pk),
    )
    state.devices.append(device_register(user=staff, data=data))
    world.counts["devices"] += 1


def _day(rng: random.Random, begin: dt.date, days: int) -> dt.date:
    return begin + dt.timedelta(days=rng.randrange(days))


def _plan_alarms(state: _Devices, rng: random.Random, begin: dt.date, days: int, devices: int) -> None:
    alarms = max(4, round(devices * days / 365 / DEVICES_PER_ALARM_A_YEAR))
    for number in range(alarms):
        day = _day(rng, begin, days)
        moment = local_moment(day, rng.choice([3, 7, 11, 16, 19, 22]), rng.randrange(60))
        # The first one repeats twice (the collapse shows on a small street too), then some; the
        # second is a gas sensor's (a small street has one), the others any device that alarms.
        repeats = 2 if number == 0 else rng.choice((1, 2)) if rng.random() < REPEATED_SHARE else 0
        state.world.timeline.at(moment, _alarm_at(state, rng, repeats, gas=number == 1))


def _alarm_at(state: _Devices, rng: random.Random, repeats: int, *, gas: bool) -> Action:
    return lambda moment: _alarm(state, rng, moment, repeats, gas=gas)


def _alarm(state: _Devices, rng: random.Random, moment: dt.datetime, repeats: int, *, gas: bool) -> None:
    able = [d for d in state.devices if d.kind in ALARMS_OF_KIND and d.pk not in state.silent]
    if gas:
        able = [d for d in able if d.kind == DeviceKind.GAS_SENSOR] or able
    able = [d for d in able if _has_contacts(state, d)] or able
    if not able:
        return
    device = rng.choice(able)
    kind = rng.choice(ALARMS_OF_KIND[DeviceKind(device.kind)])
    _press(state, device, kind)
    for minutes in sorted(rng.sample(range(1, 9), repeats)):
        state.world.timeline.at(moment + dt.timedelta(minutes=minutes), lambda at: _press(state, device, kind))


def _press(state: _Devices, device: Device, kind: str) -> None:
    ticket = state.send(device, kind)
    state.world.counts["device_alarms"] += 1
    if ticket is not None:
        ticket_follow(state.world, ticket)
        _acknowledge_later(state, ticket)


def _acknowledge_later(state: _Devices, ticket: Ticket) -> None:
    """The ladder's sweep at each due time passed meanwhile, then the acknowledgement."""
    rng = state.world.rng("device-acks")
    minutes = FIRST_ACK_MINUTES if state.acknowledged == 0 else rng.choice(ACK_MINUTES)
    state.acknowledged += 1
    started = AlarmAcknowledgement.objects.get(ticket=ticket).started_at
    delay = dt.timedelta(minutes=minutes, seconds=rng.randrange(60))
    due = started + ack_step()
    while due < started + delay:
        state.world.timeline.at(due + dt.timedelta(seconds=10), lambda at: _ack_sweep(state, at))
        due += ack_step()
    state.world.timeline.at(started + delay, lambda at: _acknowledge(state, rng, ticket.pk, at))


def _ack_sweep(state: _Devices, at: dt.datetime) -> None:
    state.world.counts["device_ack_rungs"] += ack_sweep(now=at)


def _answerer(state: _Devices, ack: AlarmAcknowledgement) -> User:
    """The grid worker answers, or the community's staff once the ladder has reached them."""
    grid = state.world.households[ack.device.household_id].building.grid
    worker = state.world.staff.grid_workers.get(grid.pk)
    if worker is not None and ack.rung <= AckRung.BACKUP_CONTACTS:
        return worker
    return state.world.staff.community_staff[grid.community_id]


def _acknowledge(state: _Devices, rng: random.Random, pk: int, at: dt.datetime) -> None:
    ack = AlarmAcknowledgement.objects.select_related("device").get(ticket_id=pk)
    if ack.status != AckStatus.WAITING:
        return
    ack_acknowledge(ack=ack, user=_answerer(state, ack), now=at)
    state.world.counts["device_alarms_acknowledged"] += 1
    arrive = at + dt.timedelta(minutes=rng.randrange(10, 26))
    state.world.timeline.at(arrive, lambda moment: _on_site(state, pk, moment))


def _on_site(state: _Devices, pk: int, at: dt.datetime) -> None:
    ack = AlarmAcknowledgement.objects.select_related("device").get(ticket_id=pk)
    ack_on_site(ack=ack, user=_answerer(state, ack), now=at)


def _has_contacts(state: _Devices, device: Device) -> bool:
    """Whether the device's household has a phone on file and care notes (read once per device)."""
    if device.pk not in state.contacts:
        people = list(Person.objects.filter(household_id=device.household_id, status=PersonStatus.ACTIVE))
        state.contacts[device.pk] = any(p.phone_masked for p in people) and any(
            str(p.care_notes or "").strip() for p in people
        )
    return state.contacts[device.pk]


def _last_alarm(state: _Devices) -> None:
    """An alarm minutes before the demo opens, in the first grid (its worker is the demo login
    worker1), from a household with contacts on file where one can: left waiting, one rung up."""
    grids = Grid.objects.filter(pk__in={d.household.building.grid_id for d in state.devices}).order_by("code")
    first = grids.values_list("pk", flat=True).first()
    able = [
        d
        for d in state.devices
        if d.kind in ALARMS_OF_KIND and d.household.building.grid_id == first and d.pk not in state.silent
    ]
    able = [d for d in able if _has_contacts(state, d)] or able
    if not able:
        return
    device = next((d for d in able if d.kind == DeviceKind.SOS_BUTTON), able[0])
    ticket = state.send(device, ALARMS_OF_KIND[DeviceKind(device.kind)][0])
    state.world.counts["device_alarms"] += 1
    if ticket is not None:
        started = AlarmAcknowledgement.objects.get(ticket=ticket).started_at
        state.world.timeline.at(started + ack_step() + dt.timedelta(seconds=10), lambda at: _ack_sweep(state, at))


def _plan_batteries(state: _Devices, rng: random.Random, begin: dt.date, days: int) -> None:
    for _ in range(LOW_BATTERIES):
        moment = local_moment(_day(rng, begin, days), rng.choice([6, 12, 18]), rng.randrange(60))
        state.world.timeline.at(moment, lambda at: _battery_low(state, rng, at))


def _battery_low(state: _Devices, rng: random.Random, moment: dt.datetime) -> None:
    live = [d for d in state.devices if d.pk not in state.silent]
    if not live:
        return
    device = rng.choice(live)
    ticket = state.send(device, "battery", battery=rng.randrange(5, 19))
    if ticket is not None:
        state.world.counts["device_batteries_low"] += 1
        ticket_follow(state.world, ticket)
    # A new battery, a day or two later: the device reports full again.
    back = moment + dt.timedelta(hours=rng.randrange(20, 50))
    state.world.timeline.at(back, lambda at: _report(state, device, battery=100))


def _report(state: _Devices, device: Device, **extra: Any) -> None:
    if device.pk not in state.silent:
        state.send(device, "heartbeat", **extra)


def _plan_silences(state: _Devices, rng: random.Random, begin: dt.date, days: int) -> None:
    """One night in the middle of the year SILENT devices go quiet (a band left uncharged, a
    sensor unplugged); the offline check that morning finds them. One check, not one per device:
    each costs a heartbeat of every other device."""
    day = begin + dt.timedelta(days=days // 2)
    state.world.timeline.at(local_moment(day, 6), lambda at: _go_silent(state, rng, at, SILENT, back=True))


def _go_silent(state: _Devices, rng: random.Random, moment: dt.datetime, count: int, *, back: bool) -> None:
    """Wristbands or gas sensors report for the last time and stop; every other device reports,
    and the offline check runs an hour and a half later (past those kinds' silence, within the
    others'). With `back`, each is back a day or so later, when its grid worker has been round."""
    kinds = (DeviceKind.WRISTBAND, DeviceKind.GAS_SENSOR)
    quiet = [d for d in state.devices if d.kind in kinds and d.pk not in state.silent]
    world = state.world
    for device in rng.sample(quiet, min(count, len(quiet))):
        state.send(device, "heartbeat", battery=rng.randrange(30, 60))
        state.silent.add(device.pk)
        if back:
            world.timeline.at(moment + dt.timedelta(hours=rng.randrange(26, 60)), _back_at(state, device))
    world.timeline.at(moment + dt.timedelta(minutes=85), lambda at: _heartbeats(state))
    world.timeline.at(moment + dt.timedelta(minutes=90), lambda at: _sweep(state))


def _back_at(state: _Devices, device: Device) -> Action:
    return lambda moment: _back(state, device)


def _heartbeats(state: _Devices) -> None:
    for device in state.devices:
        if device.pk not in state.silent:
            state.send(device, "heartbeat", battery=state.world.rng("devices").randrange(40, 101))


def _sweep(state: _Devices) -> None:
    turned = devices_offline_sweep()
    state.world.counts["devices_offline"] += len(turned)
    for device in Device.objects.filter(pk__in=turned, offline_ticket__isnull=False).select_related("offline_ticket"):
        assert device.offline_ticket is not None
        ticket_follow(state.world, device.offline_ticket)


def _back(state: _Devices, device: Device) -> None:
    """The grid worker found it unplugged (or its battery flat): it reports again and is back online."""
    state.silent.discard(device.pk)
    state.send(device, "heartbeat", battery=100)
    if Device.objects.filter(pk=device.pk, status=DeviceStatus.ACTIVE).exists():
        state.world.counts["devices_back_online"] += 1

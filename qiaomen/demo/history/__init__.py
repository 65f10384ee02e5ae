"""A living demo year: twelve months (or `months`) of visits and tickets ending now, lived
through the real services at each event's simulated moment.

- calendar: the days of the simulated year, working days, festivals
- quality: each community's and department's way of working, so the targets' lights differ
- staff: a worker per grid, staff per community, a handler per department
- world: what the year acts on, read once
- mix: the seasonal mix of demands over the default taxonomy, and residents' words
- visits: the grid workers' visits at each group's cadence, and the demands they hear
- reports: residents' own demands, from the QR page and at the office
- devices, emergencies: home devices and their alarms, incidents, emergency plans and a typhoon
- handling: acceptance, work, result, confirmation, rating, reopening, the escalation sweep
- timeline: the clock (time-machine) and one transaction per simulated day

Deterministic: each purpose draws from its own random.Random derived from the seed, and the
events run in a fixed order, so the same seed on the same day gives the same rows (except the
supervisors' spot-check sample, which the tickets service draws with `secrets` on purpose).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from qiaomen.demo.history.activities import activities_plan
from qiaomen.demo.history.budget import budget_plan
from qiaomen.demo.history.calendar import SimYear, local_moment
from qiaomen.demo.history.devices import devices_plan
from qiaomen.demo.history.handling import sweeps_plan
from qiaomen.demo.history.menu import menu_plan
from qiaomen.demo.history.mix import LASTING_PROBLEMS
from qiaomen.demo.history.phone import phone_plan
from qiaomen.demo.history.reports import reports_plan
from qiaomen.demo.history.timeline import Timeline
from qiaomen.demo.history.visits import visits_plan
from qiaomen.demo.history.volunteers import volunteers_plan
from qiaomen.demo.history.world import world_load
from qiaomen.tickets.models import Ticket


def history_create(
    *, year: SimYear, seed: int, on_month: Callable[[dt.date, Counter[str]], None] | None = None
) -> Counter[str]:
    """Live the year on the street already in the registry; returns counts of what happened.
    `on_month(first day, counts so far)` is called as each simulated month begins (progress)."""
    timeline = Timeline(start=local_moment(year.start, 0), end=year.now)
    world = world_load(year=year, timeline=timeline, seed=seed, lasting_problems=LASTING_PROBLEMS)
    visits_plan(world)
    reports_plan(world)
    menu_plan(world)
    sweeps_plan(world)
    volunteers_plan(world)
    budget_plan(world)
    activities_plan(world)
    devices_plan(world)
    phone_plan(world)
    months: set[tuple[int, int]] = set()

    def on_day(day: dt.date) -> None:
        if on_month is not None and (day.year, day.month) not in months:
            months.add((day.year, day.month))
            on_month(day, world.counts)

    timeline.run(on_day=on_day)
    world.counts["staff_accounts"] = world.staff.created
    world.counts["visits"] = sum(count for key, count in world.counts.items() if key.startswith("visits_"))
    world.counts["tickets"] = Ticket.objects.count()
    return world.counts


def history_start(year: SimYear) -> dt.datetime:
    """When the street's registry is written: the morning the simulated year begins."""
    return local_moment(year.start, 0) - dt.timedelta(hours=1)

"""What happens to a ticket after it reached its department, at plausible moments.

The department's handler accepts it (quickly or slowly, by the department's quality; at night
nobody does, so the morning's tickets may already have escalated), starts a P3 within days,
and resolves it; the grid worker confirms the result at the door; the resident rates it through
the one-time link from the resolution, or does not (the sweep closes it a week later). A score
of 1 or 2 reopens the ticket (a second complaint) and it goes round once more. Some tickets are
never finished: the escalation sweep, run at its simulated times, raises them level by level.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

from qiaomen.accounts.models import User
from qiaomen.core.errors import Conflict
from qiaomen.core.workdays import CHINA
from qiaomen.demo.history.calendar import DAY_END_HOUR, local_moment
from qiaomen.demo.history.world import World
from qiaomen.tickets.models import EscalationLevel, Priority, Status, Ticket
from qiaomen.tickets.services import (
    RATING_WAIT,
    ticket_accept,
    ticket_confirm,
    ticket_rate,
    ticket_resolve,
    ticket_start,
)
from qiaomen.tickets.services.escalation import escalation_sweep

NOTES = {
    "POL": ("已电话联系居民，解释相关政策并告知办理材料和窗口", "已上门讲解政策，协助居民在线提交申请"),
    "LIF": (
        "已安排人员上门处理，问题已解决",
        "已协调相关单位完成维修，居民确认可以正常使用",
        "已联系服务机构，服务已落实",
    ),
    "MED": ("已组织双方调解，达成一致意见", "已联系物业和当事人协商，问题已处理"),
    "EMG": ("已第一时间到场处置，人员安全，隐患已排除",),
}
COMMENTS = {1: "问题根本没解决", 2: "处理太慢，态度敷衍", 3: "", 4: "处理得不错", 5: "非常满意，谢谢"}
# When the sweep looks at overdue tickets, local time: it runs all day on a server; four looks a
# day are enough for the demo's escalations and keep the year quick.
SWEEP_HOURS = (2, 9, 13, 17)


def during_work(world: World, rng: random.Random, moment: dt.datetime, *, weekends: bool) -> dt.datetime:
    """The moment, or the next working morning when it falls at night (or on a day off)."""
    local = moment.astimezone(CHINA)
    day = local.date()
    if local.hour >= DAY_END_HOUR + 2:
        day += dt.timedelta(days=1)
    elif local.hour >= 8 and (weekends or world.year.is_working_day(day)):
        return moment
    if not weekends and not world.year.is_working_day(day):
        day = world.year.next_working_day(day)
    return local_moment(day, 8) + dt.timedelta(minutes=rng.randrange(90))


def _hours(rng: random.Random, median: float, spread: float = 0.9) -> dt.timedelta:
    return dt.timedelta(hours=rng.lognormvariate(math.log(median), spread))


def _fresh(pk: int) -> Ticket:
    return Ticket.objects.get(pk=pk)


def _act(world: World, pk: int, act: Callable[[Ticket], Ticket | None]) -> Ticket | None:
    """Run a service on the ticket as this year last left it (no read per step); if the sweep has
    changed it since (escalated or closed it: a 409), on the ticket as stored. `act` returns None
    when the ticket is no longer in a state for it."""
    ticket = world.tickets.get(pk) or _fresh(pk)
    try:
        done = act(ticket)
    except Conflict:
        done = act(_fresh(pk))
    if done is not None:
        world.tickets[pk] = done
    return done


def ticket_follow(world: World, ticket: Ticket, *, second_round: bool = False) -> None:
    """Schedule the department's acceptance of a routed (or reopened) ticket."""
    world.tickets[ticket.pk] = ticket
    rng = world.rng("handling")
    quality = world.departments[ticket.department_id]
    if not second_round and rng.random() < quality.stuck_share / 3:
        world.counts["tickets_never_accepted"] += 1
        return
    delay = _hours(rng, quality.accept_hours * (0.2 if ticket.priority == Priority.P1 else 1.0))
    routed = ticket.routed_at or ticket.created_at
    quick = quality.accept_hours < 2
    at = during_work(world, rng, routed + delay, weekends=quick or ticket.priority == Priority.P1)
    world.timeline.at(at, lambda moment: _accept(world, ticket.pk, moment, second_round))


def _handler(world: World, ticket: Ticket) -> User:
    return world.staff.handlers[ticket.department_id]


def _accept(world: World, pk: int, at: dt.datetime, second_round: bool) -> None:
    waiting = (Status.ROUTED, Status.REOPENED, Status.TRANSFERRED)
    ticket = _act(
        world, pk, lambda t: ticket_accept(ticket=t, user=_handler(world, t)) if t.status in waiting else None
    )
    if ticket is None:
        return
    rng = world.rng("handling")
    world.counts["tickets_accepted"] += 1
    quality = world.departments[ticket.department_id]
    if not second_round and rng.random() < quality.stuck_share * 2 / 3:
        world.counts["tickets_stuck"] += 1
        return
    if ticket.priority == Priority.P3:
        start = at + dt.timedelta(days=rng.uniform(0.2, 2.0 if quality.accept_hours < 2 else 3.0))
        world.timeline.at(during_work(world, rng, start, weekends=False), lambda moment: _start(world, pk, moment))
        return
    resolve = at + _hours(rng, quality.resolve_hours * (0.3 if ticket.priority == Priority.P1 else 1.0))
    world.timeline.at(during_work(world, rng, resolve, weekends=True), lambda moment: _resolve(world, pk, moment))


def _start(world: World, pk: int, at: dt.datetime) -> None:
    ticket = _act(
        world,
        pk,
        lambda t: ticket_start(ticket=t, user=_handler(world, t)) if t.status == Status.ACCEPTED else None,
    )
    if ticket is None:
        return
    rng = world.rng("handling")
    quality = world.departments[ticket.department_id]
    resolve = at + dt.timedelta(days=rng.uniform(1, 7 if quality.accept_hours < 2 else 10))
    world.timeline.at(during_work(world, rng, resolve, weekends=False), lambda moment: _resolve(world, pk, moment))


def _resolve(world: World, pk: int, at: dt.datetime) -> None:
    rng = world.rng("handling")
    tokens: list[str] = []

    def resolve(ticket: Ticket) -> Ticket | None:
        if ticket.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
            return None
        note = rng.choice(NOTES[world.subcategory_codes[ticket.subcategory_id][:3]])
        ticket, token = ticket_resolve(ticket=ticket, user=_handler(world, ticket), note=note)
        tokens.append(token)
        return ticket

    ticket = _act(world, pk, resolve)
    if ticket is None:
        return
    world.counts["tickets_resolved"] += 1
    if rng.random() < 0.9:
        confirm = during_work(world, rng, at + _hours(rng, 20), weekends=True)
        world.timeline.at(confirm, lambda moment: _confirm(world, pk, moment))
    if rng.random() < 0.75:
        second = ticket.reopen_count > 0
        rate = at + _hours(rng, 18)
        world.timeline.at(min(rate, at + dt.timedelta(days=6)), lambda moment: _rate(world, pk, tokens[-1], second))


def _confirm(world: World, pk: int, at: dt.datetime) -> None:
    def confirm(ticket: Ticket) -> Ticket | None:
        if ticket.status != Status.RESOLVED or ticket.worker_confirmed_at is not None or ticket.grid_id is None:
            return None
        return ticket_confirm(ticket=ticket, user=world.staff.grid_workers[ticket.grid_id])

    if _act(world, pk, confirm) is not None:
        world.counts["tickets_confirmed"] += 1


def _score(rng: random.Random, satisfied: float, low: float, second_round: bool) -> int:
    roll = rng.random()
    if roll < satisfied:
        return 5 if rng.random() < 0.6 else 4
    if roll < satisfied + low and not second_round:
        return rng.choice((1, 2))
    return 3


def _rate(world: World, pk: int, token: str, second_round: bool) -> None:
    rng = world.rng("handling")
    ticket = world.tickets.get(pk) or _fresh(pk)
    quality = world.departments[ticket.department_id]
    score = _score(rng, quality.satisfied_share, quality.low_share, second_round)
    ticket = ticket_rate(token=token, score=score, comment=COMMENTS[score])
    world.tickets[pk] = ticket
    world.counts["ratings"] += 1
    if ticket.status == Status.REOPENED:
        world.counts["second_complaints"] += 1
        ticket_follow(world, ticket, second_round=True)


def sweeps_plan(world: World) -> None:
    """The escalation sweep at its times of every simulated day."""
    for day in world.year.days:
        for hour in SWEEP_HOURS:
            world.timeline.at(local_moment(day, hour), lambda moment: _sweep(world, moment))


def _sweep(world: World, at: dt.datetime) -> None:
    # A run that would find nothing to escalate or close writes nothing: two cheap looks first
    # (the same conditions as the sweep's) spare the year most of the sweep's reads.
    overdue = Ticket.objects.filter(escalate_after__lte=at, escalation_level__lt=EscalationLevel.JOINT_MEETING)
    unrated = Ticket.objects.filter(
        status=Status.RESOLVED, worker_confirmed_at__isnull=False, resolved_at__lte=at - RATING_WAIT
    )
    if not overdue.exists() and not unrated.exists():
        return
    result = escalation_sweep(now=at)
    world.counts["escalations"] += result.escalated
    world.counts["closed_unrated"] += result.closed

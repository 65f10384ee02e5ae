"""Bench data for the command centre, part 3: a year of tickets and their timelines.

Tickets are drawn over the twelve months before now in the default taxonomy with its seasons
(pipes and lifts in summer and winter, school places in spring, rubbish after the Spring Festival
and National Day), more of them from special-group households for care and health, a quarter of
them from a few busy buildings. Each community finds its own share on visits and settles its own
share on the spot; each department has its own pace of acceptance and resolution, its own share
left unfinished, its own ratings, repeats and transfers, so that the traffic lights differ. A
ticket lives through the steps the services take (create, transfer, escalate, accept, start,
resolve, confirm, rate, reopen after a rating of 1 or 2, close), each step written as the
`TicketEvent` the service writes, and stops where `now` cuts it: recent tickets are still open.
Deadlines come from `tickets.deadlines`; repeats follow `tickets.services.repeats` (the same
household and sub-category within 90 days). This is bench data, not the demo (see command_data.py).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from command_visits import YEAR_DAYS, Home

FLUSH_EVERY = 10_000
RATED_SHARE = 0.75
HOT_BUILDING_SHARE = 0.05  # the busy buildings …
HOT_TICKET_SHARE = 0.12  # … and the share of the tickets they raise
SPECIAL_SHARE_OF_CARE = 0.7  # care and health demands mostly come from special-group households
CARE = frozenset({"LIF-MEAL", "LIF-MED", "LIF-ACC", "LIF-PSY", "POL-AID", "EMG-HEALTH"})
REPEAT_WINDOW = dt.timedelta(days=90)
# Demands a year per sub-category, relative to each other, and the months each comes up more.
VOLUME = {
    "POL-SOC": 8, "POL-AID": 6, "POL-EDU": 4, "POL-RES": 4, "LIF-MEAL": 6, "LIF-ERR": 5, "LIF-MED": 7,
    "LIF-JOB": 3, "LIF-ACC": 2, "LIF-EDU": 2, "LIF-PSY": 2, "LIF-ENV": 9, "LIF-PARK": 6, "LIF-FAC": 10,
    "MED-NEI": 6, "MED-FAM": 2, "MED-PROP": 5, "MED-LAW": 3, "EMG-HEALTH": 1, "EMG-SAFE": 1,
}  # fmt: skip
SEASONS = {
    "LIF-FAC": {6: 1.8, 7: 2.2, 8: 2.0, 12: 1.6, 1: 1.9, 2: 1.5},  # air conditioners and lifts; frozen pipes
    "EMG-SAFE": {7: 1.6, 8: 1.6, 12: 1.5, 1: 1.8},  # overloaded wiring; heaters and gas
    "EMG-HEALTH": {7: 1.5, 1: 1.6},
    "POL-EDU": {3: 2.5, 4: 3.0, 5: 2.5, 6: 1.5},  # school places
    "LIF-ENV": {2: 2.2, 10: 2.0, 5: 1.3},  # rubbish after the Spring Festival, National Day, May Day
    "LIF-MED": {12: 1.3, 1: 1.4},
}
MONTH_VOLUME = {1: 1.05, 2: 1.1, 7: 1.15, 8: 1.15, 12: 1.05}
_TICKET_COLUMNS = (
    "channel", "household_id", "grid_id", "description", "subcategory_id", "priority", "department_id",
    "handler_id", "status", "created_by_id", "created_at", "routed_at", "accepted_at", "first_accepted_at",
    "started_at", "resolved_at", "closed_at", "accept_by", "start_by", "resolve_by", "escalate_after",
    "escalation_level", "repeat_of_id", "transfer_count", "reopen_count", "resolved_on_spot", "resolution_note",
    "worker_confirmed_by_id", "worker_confirmed_at", "rating", "rated_at", "suggestion",
)  # fmt: skip
_EVENT_COLUMNS = ("ticket_id", "action", "old_status", "new_status", "actor_id", "reason", "detail", "at")


@dataclass(frozen=True)
class Habits:
    """How a department works."""

    accept_hours: float  # mean hours from routing to acceptance
    resolve_hours: float  # mean hours from start to resolution (P3: three times as long)
    unfinished: float  # share of the tickets it starts and does not finish
    low_rating: float  # share of its ratings that are 1 or 2
    repeat: float  # share of its demands that a household raises again
    transfer: float  # share it sends on to another department before accepting


@dataclass(frozen=True)
class Community:
    proactive: float  # share of its tickets found on visits
    on_spot: float  # share of its visit and walk-in demands settled on the spot


@dataclass
class Ticket:
    """One ticket's columns and its timeline, as the lifecycle builds them."""

    columns: dict[str, Any]
    events: list[tuple[str, str, str, int | None, dt.datetime, dict[str, Any], str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.columns["status"])

    def step(self, action: str, new: str, actor: int | None, at: dt.datetime, **detail: Any) -> None:
        reason = detail.pop("reason", "")
        self.events.append((action, self.status, new, actor, at, detail, reason))
        self.columns["status"] = new


def _hours(value: float) -> dt.timedelta:
    return dt.timedelta(hours=value)


class TicketWriter:
    """Draws and writes the year's tickets; `counts` says how many of each kind it wrote."""

    def __init__(self, homes: list[Home], workers: dict[int, int], *, now: dt.datetime, seed: int) -> None:
        from django.utils import timezone

        from qiaomen.accounts.models import Department
        from qiaomen.places.models import Grid
        from qiaomen.tickets.models import Subcategory
        from qiaomen.tickets.selectors import workday_calendar

        self.rng = rng = random.Random(seed)
        self.homes, self.workers, self.now = homes, workers, now
        self.tz = timezone.get_default_timezone()
        self.calendar = workday_calendar()
        self.special = [home for home in homes if home.special] or homes
        buildings = sorted({home.building_id for home in homes})
        hot = set(rng.sample(buildings, max(1, round(len(buildings) * HOT_BUILDING_SHARE)))) if buildings else set()
        self.hot = [home for home in homes if home.building_id in hot] or homes
        self.subcategories = list(
            Subcategory.objects.filter(retired=False)
            .order_by("code")
            .values_list("pk", "code", "name", "department_id")
        )
        self.priorities = dict(Subcategory.objects.values_list("pk", "default_priority"))
        self.keywords = {pk: words.split() for pk, words in Subcategory.objects.values_list("pk", "keywords")}
        departments = list(Department.objects.order_by("code").values_list("pk", "code"))
        self.department_codes = dict(departments)
        self.habits = {pk: self._habits() for pk, _ in departments}
        self.handlers = self._handlers_create(departments)
        grids = dict(Grid.objects.values_list("pk", "community_id"))
        self.community_of = grids
        self.communities = {
            pk: Community(proactive=rng.uniform(0.22, 0.48), on_spot=rng.uniform(0.75, 1.0))
            for pk in sorted(set(grids.values()))
        }
        self.counts: Counter[str] = Counter()

    def _habits(self) -> Habits:
        rng = self.rng
        return Habits(
            accept_hours=rng.choice((3.0, 6.0, 10.0, 16.0, 24.0, 34.0)),
            resolve_hours=rng.uniform(8.0, 48.0),
            unfinished=rng.uniform(0.03, 0.3),
            low_rating=rng.uniform(0.02, 0.11),
            repeat=rng.uniform(0.01, 0.07),
            transfer=rng.uniform(0.0, 0.05),
        )

    @staticmethod
    def _handlers_create(departments: list[tuple[int, str]]) -> dict[int, list[int]]:
        """Three handlers per department (the demo's own handler among them): department → users."""
        from qiaomen.accounts.models import User
        from qiaomen.accounts.roles import Role

        handlers: dict[int, list[int]] = {pk: [] for pk, _ in departments}
        for user, department in User.objects.filter(role=Role.DEPARTMENT_HANDLER, department__isnull=False).values_list(
            "pk", "department_id"
        ):
            handlers[department].append(user)
        new = [
            User(
                username=f"bench_{code}_{n}",
                password="!",  # unusable: nobody signs in as a bench handler  # noqa: S106
                role=Role.DEPARTMENT_HANDLER,
                department_id=pk,
                display_name=f"{code}经办人{n}",
                staff_number=f"BH-{code}-{n}",
            )
            for pk, code in departments
            for n in range(len(handlers[pk]) + 1, 4)
        ]
        for user in User.objects.bulk_create(new):
            handlers[user.department_id].append(user.pk)  # type: ignore[index]
        return handlers

    # --- drawing ---------------------------------------------------------------------------

    def _moments(self, count: int) -> list[dt.datetime]:
        """Creation moments over the year before now, ascending, busier in some months and on
        working days, between 7:00 and 22:00 in Shanghai."""
        rng, today = self.rng, self.now.astimezone(self.tz).date()
        days = [today - dt.timedelta(days=back) for back in range(YEAR_DAYS)]
        weights = [MONTH_VOLUME.get(day.month, 1.0) * (0.75 if day.weekday() >= 5 else 1.0) for day in days]
        moments = []
        for day in rng.choices(days, weights=weights, k=count):
            minute = rng.randrange(7 * 60, 22 * 60)
            moment = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.tz)
            moments.append(min(moment, self.now - dt.timedelta(seconds=rng.randrange(60, 7200))))
        return sorted(moments)

    def _subcategory_weights(self, month: int) -> list[float]:
        return [VOLUME.get(code, 3) * SEASONS.get(code, {}).get(month, 1.0) for _, code, _, _ in self.subcategories]

    def _channel(self, community: Community, code: str) -> str:
        rng = self.rng
        if code.startswith("EMG") and rng.random() < 0.3:
            return "device"
        if rng.random() < community.proactive:
            return "visit"
        return rng.choices(("qr", "staff", "api"), weights=(40, 52, 8))[0]

    # --- one ticket's life -----------------------------------------------------------------

    def _life(self, ticket: Ticket, created: dt.datetime, habits: Habits, worker: int) -> None:
        """Routing to closing, as far as `now` lets it get."""
        from qiaomen.tickets.deadlines import ACCEPT_WITHIN, ESCALATION_STEP, next_check, ticket_deadlines
        from qiaomen.tickets.services.confirmations import RATING_WAIT

        rng, now, c = self.rng, self.now, ticket.columns
        priority = c["priority"]
        limits = ticket_deadlines(routed_at=created, priority=priority, calendar=self.calendar)
        c.update(routed_at=created, accept_by=limits.accept_by, start_by=limits.start_by, resolve_by=limits.resolve_by)
        pace = 0.1 if priority == "P1" else 1.0
        accepted = created + _hours(min(rng.expovariate(1 / (habits.accept_hours * pace)), 240))
        transfer = created + (accepted - created) * 0.4 if rng.random() < habits.transfer else None
        due, level, steps = limits.accept_by, 0, []
        while level < 3 and due < min(accepted, now):  # the sweep climbs while nobody accepts
            steps.append((due, level))
            level, due = level + 1, due + ESCALATION_STEP[priority]
        if transfer is not None and transfer <= now:
            steps.append((transfer, -1))
        for moment, step in sorted(steps):
            if step >= 0:
                ticket.step("escalate", ticket.status, None, moment, from_level=step, to_level=step + 1)
                continue
            other = rng.choice([pk for pk in self.handlers if pk != c["department_id"]])
            handler = rng.choice(self.handlers[c["department_id"]])
            code = self.department_codes[other]
            ticket.step("transfer", "transferred", handler, moment, to=code, reason="不属本部门职责")
            c.update(department_id=other, transfer_count=1)
        c["escalation_level"] = level

        def settle() -> None:
            waiting = next_check(
                status=ticket.status, accept_by=c["accept_by"], start_by=c["start_by"], resolve_by=c["resolve_by"]
            )
            c["escalate_after"] = due if waiting is not None and level else waiting

        for cycle in range(2):
            handler = rng.choice(self.handlers[c["department_id"]])
            if accepted > now:
                return settle()
            ticket.step("accept", "accepted", handler, accepted)
            c.update(handler_id=handler, accepted_at=accepted, first_accepted_at=c["first_accepted_at"] or accepted)
            started = accepted + _hours(rng.uniform(0.2, 8.0))
            if started > now:
                return settle()
            ticket.step("start", "in_progress", handler, started)
            c["started_at"] = started
            if rng.random() < habits.unfinished:
                return settle()
            slow = 3.0 if priority == "P3" else 0.5 if priority == "P1" else 1.0
            resolved = started + _hours(rng.expovariate(1 / (habits.resolve_hours * slow)))
            if resolved > now:
                return settle()
            ticket.step("resolve", "resolved", handler, resolved)
            c.update(resolved_at=resolved, resolution_note="已上门处理，问题已解决")
            confirmed = resolved + _hours(rng.uniform(1.0, 24.0))
            if confirmed > now:
                return settle()
            ticket.step("confirm", "resolved", worker, confirmed)
            c.update(worker_confirmed_by_id=worker, worker_confirmed_at=confirmed)
            rated = confirmed + _hours(rng.uniform(0.5, 72.0))
            if cycle == 0 and rng.random() < RATED_SHARE and rated <= now:
                low = rng.random() < habits.low_rating
                score = rng.choice((1, 2)) if low else rng.choices((3, 4, 5), weights=(10, 30, 60))[0]
                ticket.step("rate", "resolved", None, rated, score=score)
                c.update(rating=score, rated_at=rated)
                if low:  # a second complaint: back to the department
                    ticket.step("reopen", "reopened", None, rated, reason="居民不满意")
                    c.update(
                        reopen_count=1, handler_id=None, resolved_at=None, closed_at=None, routed_at=rated,
                        worker_confirmed_by_id=None, worker_confirmed_at=None, accept_by=rated + ACCEPT_WITHIN,
                    )  # fmt: skip
                    accepted = rated + _hours(rng.expovariate(1 / habits.accept_hours))
                    continue
                ticket.step("close", "closed", None, rated, rated=True)
                c["closed_at"] = rated
                return settle()
            closing = resolved + RATING_WAIT  # the sweep closes a result nobody rated
            if closing <= now:
                ticket.step("close", "closed", None, closing, rated=False)
                c["closed_at"] = closing
            return settle()
        return settle()

    # --- writing ---------------------------------------------------------------------------

    def write(self, total: int) -> None:
        from qiaomen.core.bulk import BulkInsert
        from qiaomen.tickets.models import Ticket as TicketModel
        from qiaomen.tickets.models import TicketEvent

        rng = self.rng
        tickets = BulkInsert(TicketModel, varying=_TICKET_COLUMNS, with_ids=True)
        events = BulkInsert(TicketEvent, varying=_EVENT_COLUMNS)
        latest: dict[tuple[int, int], tuple[int, dt.datetime]] = {}  # (household, sub-category) → last ticket
        recent: deque[tuple[Home, int]] = deque(maxlen=3000)
        weights = {month: self._subcategory_weights(month) for month in range(1, 13)}
        for created in self._moments(total):
            month = created.astimezone(self.tz).month
            subcategory_id, code, name, department_id = rng.choices(self.subcategories, weights=weights[month])[0]
            habits = self.habits[department_id]
            if recent and rng.random() < habits.repeat:
                home, subcategory_id = rng.choice(recent)  # the same need again, from the same household
                _, code, name, department_id = next(s for s in self.subcategories if s[0] == subcategory_id)
                habits = self.habits[department_id]
            elif code in CARE and rng.random() < SPECIAL_SHARE_OF_CARE:
                home = rng.choice(self.special)
            else:
                home = rng.choice(self.hot if rng.random() < HOT_TICKET_SHARE else self.homes)
            recent.append((home, subcategory_id))
            community = self.communities[self.community_of[home.grid_id]]
            channel = self._channel(community, code)
            worker = self.workers[home.grid_id]
            previous = latest.get((home.pk, subcategory_id))
            repeat_of = previous[0] if previous and created - previous[1] <= REPEAT_WINDOW else None
            on_spot = channel in ("visit", "staff") and not code.startswith("EMG") and rng.random() < community.on_spot
            status = "closed" if on_spot else "routed"
            columns: dict[str, Any] = dict.fromkeys(_TICKET_COLUMNS)
            words = self.keywords[subcategory_id] or [name]
            columns.update(
                channel=channel, household_id=home.pk, grid_id=home.grid_id, subcategory_id=subcategory_id,
                description=f"{name}：{rng.choice(words)}，请帮忙处理", priority=self.priorities[subcategory_id],
                department_id=department_id, status="new",
                created_by_id=worker if channel in ("visit", "staff") else None,
                created_at=created, escalation_level=0, repeat_of_id=repeat_of, transfer_count=0, reopen_count=0,
                resolved_on_spot=on_spot, resolution_note="", suggestion={},
            )  # fmt: skip
            ticket = Ticket(columns)
            detail = {
                "channel": channel,
                "priority": columns["priority"],
                "department": self.department_codes[department_id],
                "repeat_of": repeat_of,
            }
            ticket.step("create", status, columns["created_by_id"], created, **detail)
            if on_spot:
                columns.update(
                    routed_at=created, resolved_at=created, closed_at=created, resolution_note="当场解决",
                    worker_confirmed_by_id=worker, worker_confirmed_at=created,
                )  # fmt: skip
            else:
                self._life(ticket, created, habits, worker)
            pk = tickets.add(columns)
            assert pk is not None  # with_ids
            latest[(home.pk, subcategory_id)] = (pk, created)
            for action, old, new, actor, at, event_detail, reason in ticket.events:
                events.add(
                    {
                        "ticket_id": pk, "action": action, "old_status": old, "new_status": new, "actor_id": actor,
                        "reason": reason, "detail": event_detail, "at": at,
                    }
                )  # fmt: skip
            self.counts[ticket.status] += 1
            self.counts["events"] += len(ticket.events)
            if len(tickets.queued) >= FLUSH_EVERY:
                tickets.flush()
                events.flush()
        tickets.flush()
        events.flush()

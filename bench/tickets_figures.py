"""Benchmark: the ticket figures at 70,000 households and 200,000 tickets on SQLite.

    .venv/bin/python bench/tickets_figures.py [--tickets 200000] [--runs 10]
        [--source /tmp/bench70k] [--workdir /tmp/qm-bench-figures] [--profile]

Reuses --workdir when it already holds a street (adding only the tickets it lacks); otherwise
starts from a private copy of a seeded street (by default /tmp/bench70k, as bench/registry_read.py
leaves it; seeded afresh when that folder does not hold one). The copy takes the source's var/ too:
its key file holds the data key the copied rows were encrypted with. Then adds the tickets spread
over the last 12 months across the street's households and the 20 sub-categories, with a usual
mix (≈35 % found on visits, most closed and rated 4–5, some resolved on the spot, repeats,
reopened, some still open and overdue; raw executemany in chunks, one transaction), and times:

- qiaomen.analytics.ticket_figures.ticket_figures() for this month and for the last 365 days,
  by street, community, grid and department, and ticket_figures_total(), over the tickets the
  street admin sees (tickets_for_user);
- the figures page (web:ticket_figures, ?start=…&end=…&by=…) through Django's test Client as the
  street admin `admin`, for this month and for the year.

Wall and CPU time, p50/p95 over --runs runs. Aim: < 1 s. --profile prints cProfile's top
functions for one year-long page. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import time
import uuid
from pathlib import Path

from common import (
    machine,
    print_timings,
    street_prepare,
    timed_ms,
)

AIM_MS = 1000.0
CHUNK = 20_000
TICKET_COLUMNS = (
    "id",
    "channel",
    "household_id",
    "grid_id",
    "description",
    "subcategory_id",
    "priority",
    "department_id",
    "status",
    "created_at",
    "routed_at",
    "accepted_at",
    "first_accepted_at",
    "started_at",
    "resolved_at",
    "closed_at",
    "accept_by",
    "resolve_by",
    "escalate_after",
    "escalation_level",
    "repeat_of_id",
    "transfer_count",
    "reopen_count",
    "resolved_on_spot",
    "resolution_note",
    "rating",
    "rated_at",
    "version",
    "row_key",
    "suggestion",
    "callback_phone",
    "health_consent",
)
# Channels as the plan expects them: a third found by grid workers on their rounds.
CHANNEL_WEIGHTS = {"visit": 35, "qr": 25, "staff": 30, "api": 5, "device": 5}
RATING_WEIGHTS = {1: 2, 2: 3, 3: 7, 4: 28, 5: 60}
OPEN_STATUS_WEIGHTS = {"routed": 3, "accepted": 3, "in_progress": 4, "reopened": 1, "returned": 1, "transferred": 1}


def tickets_insert(count: int, rng: random.Random) -> float:
    """`count` tickets created over the last 365 days on random households of the street (each
    in its building's grid, routed to its sub-category's department); the seconds it took."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from qiaomen.registry.models import Household
    from qiaomen.tickets.models import Subcategory, Ticket

    households = list(Household.objects.values_list("pk", "building__grid_id"))
    subcategories = list(
        Subcategory.objects.filter(retired=False).values_list("pk", "department_id", "default_priority")
    )
    first_id = (Ticket.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    channels, channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    ratings, rating_weights = list(RATING_WEIGHTS), list(RATING_WEIGHTS.values())
    open_statuses, open_weights = list(OPEN_STATUS_WEIGHTS), list(OPEN_STATUS_WEIGHTS.values())
    # Creation moments first, in order, so that a repeat can point at an earlier ticket.
    ages = sorted((rng.randrange(365 * 24 * 60) for _ in range(count)), reverse=True)
    recent: list[tuple[int, int, int | None, tuple[int, int, str]]] = []  # (id, household, grid, subcategory)
    columns = ", ".join(TICKET_COLUMNS)
    sql = f"INSERT INTO {Ticket._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(TICKET_COLUMNS))})"  # noqa: S608 (names are ours)
    # Free text is sealed to its row (core.fields): each row its own key, as the ORM would store it.
    sealed = {name: Ticket._meta.get_field(name) for name in ("description", "resolution_note", "suggestion")}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        rows = []
        for n, age_minutes in enumerate(ages):
            pk = first_id + n
            created = now - dt.timedelta(minutes=age_minutes)
            repeat_of = None
            if recent and rng.random() < 0.06:  # the same household and sub-category again, soon after
                repeat_of, household_id, grid_id, subcategory = rng.choice(recent)
            else:
                household_id, grid_id = rng.choice(households)
                subcategory = rng.choice(subcategories)
            recent.append((pk, household_id, grid_id, subcategory))
            if len(recent) > 2000:
                del recent[:1000]
            subcategory_id, department_id, priority = subcategory
            channel = rng.choices(channels, weights=channel_weights)[0]
            on_spot = channel == "visit" and rng.random() < 0.4
            age_days = age_minutes / 1440
            accept_by = created + dt.timedelta(hours=2)
            resolve_by = created + dt.timedelta(days=15 if priority == "P3" else 1)
            accepted = started_at = resolved = closed = rated_at = escalate_after = None
            rating, reopens, level, note = None, 0, 0, ""
            if on_spot:
                status, accepted, resolved, closed, note = "closed", created, created, created, "当场解决"
            else:
                # Older tickets are mostly done; the last fortnight's are still partly open.
                done_share = 0.96 if age_days > 14 else 0.35 + 0.04 * age_days
                status = (
                    rng.choices(["closed", "resolved"], weights=[9, 1])[0]
                    if rng.random() < done_share
                    else rng.choices(open_statuses, weights=open_weights)[0]
                )
                if status != "routed":
                    accepted = created + dt.timedelta(hours=min(rng.expovariate(1 / 3), 72))
                if status in ("in_progress", "resolved", "closed", "reopened"):
                    started_at = accepted + dt.timedelta(hours=rng.uniform(0.5, 8))
                if status in ("resolved", "closed", "reopened"):
                    resolved = started_at + dt.timedelta(hours=rng.expovariate(1 / 30))
                    note = "已处理"
                if status == "closed":
                    closed = resolved + dt.timedelta(hours=rng.uniform(1, 48))
                if status == "reopened" or (status == "closed" and rng.random() < 0.03):
                    reopens = 1
                if status not in ("resolved", "closed"):
                    # Open: the sweep's next look is the deadline that matters now.
                    escalate_after = accept_by if accepted is None else resolve_by
                    if escalate_after < now and rng.random() < 0.5:
                        level = rng.choice((1, 1, 2, 3))
            if status == "closed" and rng.random() < 0.7:
                rating = rng.choices(ratings, weights=rating_weights)[0]
                rated_at = closed
            stamps = [
                None if moment is None else adapt(moment)
                for moment in (created, created, accepted, accepted, started_at, resolved, closed, accept_by)
            ]
            key = uuid.UUID(int=rng.getrandbits(128))
            text, note, suggestion = (
                sealed[name].seal(value, row_key=key)  # type: ignore[attr-defined]
                for name, value in (("description", "压测工单"), ("resolution_note", note), ("suggestion", {}))
            )
            rows.append(
                (
                    *(pk, channel, household_id, grid_id, text, subcategory_id, priority, department_id, status),
                    *stamps,
                    *(adapt(resolve_by), None if escalate_after is None else adapt(escalate_after), level, repeat_of),
                    *(0, reopens, on_spot, note, rating, None if rated_at is None else adapt(rated_at), 1),
                    *(key.hex, suggestion, "", False),
                )
            )
            if len(rows) >= CHUNK:
                cursor.executemany(sql, rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--households", type=int, default=70_000, help="when seeding afresh")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--source", type=Path, default=Path("/tmp/bench70k"), help="a seeded street to copy")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/qm-bench-figures"))
    parser.add_argument("--profile", action="store_true", help="cProfile one year-long page")
    options = parser.parse_args()
    workdir = options.workdir
    print(f"machine: {machine()}")
    street_prepare(workdir, source=options.source, households=options.households)

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from qiaomen.accounts.models import User
    from qiaomen.analytics.ticket_figures import ticket_figures, ticket_figures_total
    from qiaomen.registry.models import Household
    from qiaomen.tickets.models import Ticket
    from qiaomen.tickets.selectors import tickets_for_user

    # A kept folder already holds its tickets: only what is missing is added.
    missing = options.tickets - Ticket.objects.count()
    if missing > 0:
        seconds = tickets_insert(missing, random.Random(1))
        print(f"inserted {missing:,} tickets in {seconds:.1f} s ({missing / seconds:,.0f} rows/s)")
    print(f"street: {Household.objects.count():,} households, {Ticket.objects.count():,} tickets")

    admin = User.objects.get(username="admin")
    tickets = tickets_for_user(admin)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    periods = {
        "month": (today.replace(day=1), today),
        "year": (today - dt.timedelta(days=364), today),
    }
    clocks = ((time.perf_counter, ""), (time.process_time, ", CPU"))
    for name, (first_day, last_day) in periods.items():
        start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
        total = ticket_figures_total(tickets, start=start, end=end)
        print(
            f"  {name} {first_day}…{last_day}: {total.tickets:,} tickets, response avg "
            f"{total.response_avg_hours or 0:.1f} h, on the spot {total.on_spot_rate or 0:.0%}, completion "
            f"{total.completion_rate or 0:.0%}, satisfaction {total.satisfaction or 0:.0%}, repeats "
            f"{total.repeat_rate or 0:.0%}, second complaints {total.second_complaint_rate or 0:.0%}, proactive "
            f"{total.proactive_share or 0:.0%}, overdue {total.overdue:,}"
        )
        for by in ("street", "community", "grid", "department"):
            groups = len(ticket_figures(tickets, start=start, end=end, by=by))
            for clock, what in clocks:
                spent = timed_ms(
                    lambda start=start, by=by: ticket_figures(tickets, start=start, end=end, by=by),
                    options.runs,
                    clock=clock,
                )
                print_timings(f"ticket_figures() {name} by {by} ({groups}){what}", spent, aim_ms=AIM_MS)
        for clock, what in clocks:
            spent = timed_ms(
                lambda start=start: ticket_figures_total(tickets, start=start, end=end), options.runs, clock=clock
            )
            print_timings(f"ticket_figures_total() {name}{what}", spent, aim_ms=AIM_MS)

    client = Client()
    client.force_login(admin)
    url = reverse("web:ticket_figures")

    def page(first_day: dt.date, last_day: dt.date, by: str) -> None:
        response = client.get(url, {"start": first_day.isoformat(), "end": last_day.isoformat(), "by": by})
        assert response.status_code == 200, response.status_code

    for name, (first_day, last_day) in periods.items():
        for by in ("community", "department"):
            page(first_day, last_day, by)  # warm: templates, translations
            for clock, what in clocks:
                spent = timed_ms(
                    lambda first_day=first_day, last_day=last_day, by=by: page(first_day, last_day, by),
                    options.runs,
                    clock=clock,
                )
                print_timings(f"GET figures page, {name} by {by}{what}", spent, aim_ms=AIM_MS)

    if options.profile:
        first_day, last_day = periods["year"]
        profiler = cProfile.Profile()
        profiler.runcall(page, first_day, last_day, "community")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()

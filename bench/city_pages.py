"""Benchmark: the pages people open most, on PostgreSQL, on a street of one size (issue 17).

    .venv/bin/python bench/city_pages.py [--households 250000] [--visits 3125000]
        [--tickets 312500] [--runs 20] [--rebuild] [--pg-database NAME]

Builds the street in bulk with bench/command_data.py (kept on the server and under var/bench/ for
the next run; the build's rows per second are printed), then times, through Django's test Client
as a server worker runs it (the application loaded as qiaomen/wsgi.py loads it):
- as the street admin (second factor verified): the command centre's first paint this month and
  its participation panel (an htmx fragment loaded right after), registry search by name and by
  address, a household card, the ticket inbox;
- as the demo's grid worker worker1: the work list of the grid.
The command centre reads the coverage its job keeps: the job runs once first, timed.
One cold request, then `--runs` timed ones: p50, p95 and the queries of one request. Each p95 goes
to the table of bench/city.py (`make bench-city`) beside its ceiling. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from typing import Any

from command_data import MARKER, sizes_arguments, sizes_from, static_collect, street_ready
from common import machine, percentile
from figures import figure_record, under_limit

PAGE_CEILING_MS = 100.0
BUILT_TABLES = ("buildings", "households", "people", "door_codes", "visits", "tickets", "ticket_events")
FIRST_PAINT_CEILING_MS = 1000.0


def timed(get: Callable[[int], Any], runs: int) -> tuple[float, list[float], int]:
    """(cold ms, sorted ms of `runs` requests, queries of the last one); a non-200 answer stops
    the benchmark: a broken page is not a figure."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    response = get(0)
    cold = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"answer {response.status_code}, not 200")
    spent = []
    for number in range(1, runs + 1):
        started = time.perf_counter()
        get(number)
        spent.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get(runs + 1)
    return cold, sorted(spent), len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    sizes_arguments(parser)
    options = parser.parse_args()
    sizes = sizes_from(options)
    started = time.perf_counter()
    folder = street_ready(sizes, "postgresql", rebuild=options.rebuild, pg_database=options.pg_database)
    built = json.loads((folder / MARKER).read_text())
    # The tables' rows only: the counts also break visits and tickets down by outcome and status.
    rows, seconds = sum(built["counts"].get(table, 0) for table in BUILT_TABLES), max(built["seconds"], 1)
    print(f"the street's build wrote {rows:,} rows in {seconds:,} s = {rows / seconds:,.0f} rows/s")
    static_collect()
    print(f"street and static files ready in {time.perf_counter() - started:.0f} s")

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    import qiaomen.wsgi  # noqa: F401  (loaded as a server worker loads it: gc.freeze)
    from qiaomen.accounts.models import User
    from qiaomen.places.models import Building
    from qiaomen.registry.models import Household, Person
    from qiaomen.testing import sign_in
    from qiaomen.tickets.models import Ticket
    from qiaomen.visits.models import Visit

    print(f"machine: {machine()}")
    print(
        f"{connection.display_name}: {Household.objects.count():,} households, {Person.objects.count():,} people, "
        f"{Visit.objects.count():,} visits, {Ticket.objects.count():,} tickets"
    )
    rng = random.Random(1)
    admin = sign_in(Client(), User.objects.get(username="admin"))
    worker = sign_in(Client(), User.objects.get(username="worker1"))
    sample = Person.objects.order_by("?").only("name")[:50]
    names = [person.name for person in sample]
    addresses = list(Building.objects.order_by("?").values_list("address", flat=True)[:50])
    households = list(Household.objects.order_by("?").values_list("pk", flat=True)[:50])
    search, inbox, worklist = reverse("web:registry_search"), reverse("web:ticket_inbox"), reverse("web:worklist")
    pages: list[tuple[str, float, Callable[[int], Any]]] = [
        ("command centre, first paint this month", FIRST_PAINT_CEILING_MS, lambda n: admin.get(reverse("web:command"))),
        (
            "command centre, participation panel after it",
            FIRST_PAINT_CEILING_MS,
            lambda n: admin.get(reverse("web:command_resources")),
        ),
        ("registry search by name", PAGE_CEILING_MS, lambda n: admin.get(search, {"q": names[n % len(names)]})),
        ("registry search by address", PAGE_CEILING_MS, lambda n: admin.get(search, {"q": rng.choice(addresses)})),
        (
            "household card",
            PAGE_CEILING_MS,
            lambda n: admin.get(reverse("web:household_detail", args=[households[n % len(households)]])),
        ),
        ("ticket inbox", PAGE_CEILING_MS, lambda n: admin.get(inbox)),
        ("work list of worker1's grid", PAGE_CEILING_MS, lambda n: worker.get(worklist)),
    ]
    # The command centre reads the special-group coverage that its job keeps (every few minutes
    # on a running street): the job runs once here, timed, as it would before the first visitor.
    from qiaomen.analytics.coverage_snapshots import REFRESH_MINUTES, coverage_snapshots_refresh

    job_started = time.perf_counter()
    coverage_snapshots_refresh()
    job_seconds = time.perf_counter() - job_started
    print(f"coverage snapshots of this month, quarter and year (job every {REFRESH_MINUTES} min): {job_seconds:.2f} s")
    job_limit = REFRESH_MINUTES * 60 / 10
    job_work = f"coverage snapshot job @ {sizes.households:,} households"
    figure_record(under_limit(job_work, job_seconds, "s", job_limit, note="a tenth of its interval"))
    print(f"pages at {sizes.households:,} households: cold, then p50 / p95 of {options.runs} requests")
    for label, ceiling, get in pages:
        cold, spent, queries = timed(get, options.runs)
        p50, p95 = percentile(spent, 0.50), percentile(spent, 0.95)
        flag = "" if p95 < ceiling else f"  (over the {ceiling:.0f} ms ceiling)"
        print(f"  {label:<42} cold {cold:7.1f} ms  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries} queries{flag}")
        figure_record(under_limit(f"{label} @ {sizes.households:,} households", p95, "ms p95", ceiling))
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()

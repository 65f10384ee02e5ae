"""Benchmark: the command centre's first paint and drill-downs on a large street, on SQLite and
PostgreSQL, each figure beside its ceiling.

    .venv/bin/python bench/command_centre.py [--backend both|sqlite|postgresql] [--runs 5]
        [--drill-runs 2] [--drill-periods month,year] [--explain]
        [--households 70000] [--visits 1000000] [--tickets 200000] [--seed 1] [--rebuild]

The street comes from command_data.py (70,000 households, 1,000,000 visits and 200,000 tickets by
default; built once and kept under var/bench/, on PostgreSQL in the database qiaomen_bench13 at
postgresql://postgres@127.0.0.1:5432/, trust auth). Each backend runs in a process of its own
(Django's settings are per process), as the street admin `admin` through Django's test Client,
signed in as qiaomen.testing.sign_in does (the second factor marked verified):

- first paint: GET /command/ (web:command) for this month, this quarter and this year: the first
  request of the process for each period (cold: templates not compiled, the period's rows not yet
  read) and the p50 and p95 of --runs more. Ceiling: 1 s. Then the same for the fragment of
  twelve months' trends (web:command_target_trends) that the page loads by htmx after its first
  paint, held to the same second.
- drill-downs: GET /command/records/ (web:command_records, ?target=&period=&level=&key=) for every
  target at street level and for every community, --drill-runs times each: p50 and p95 per target
  and level. Ceiling: p95 300 ms.

--explain prints, for the year's first paint and the slowest drill-down, the number of queries,
the slowest ones with their milliseconds and, on PostgreSQL, EXPLAIN ANALYZE of the slowest.
Wall time on a shared machine: the machine line (cores, RAM, load average) is printed before and
after each backend. Not a test: nothing asserts (qiaomen/tests/test_bench_command_centre.py
checks that the data generator and this printer work on a tiny street).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from command_data import BACKENDS, sizes_arguments, sizes_from, static_collect, street_ready
from common import machine, percentile

FIRST_PAINT_MS = 1000.0
DRILL_P95_MS = 300.0
SPANS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Timing:
    """Milliseconds of one figure's requests, sorted, with the ceiling the goal sets."""

    label: str
    spent: list[float]  # wall time
    cpu: list[float]  # this process's CPU time: the app's own work, less swayed by a busy machine
    ceiling_ms: float
    measure: str  # the percentile the ceiling applies to: "p50" or "p95"
    cold_ms: float | None = None

    @property
    def value(self) -> float:
        return percentile(self.spent, 0.50 if self.measure == "p50" else 0.95)

    @property
    def within(self) -> bool:
        return self.value < self.ceiling_ms and (self.cold_ms is None or self.cold_ms < self.ceiling_ms)


def timing_line(timing: Timing) -> str:
    """One figure beside its ceiling: cold (when measured), p50, p95, runs, the verdict, and
    the p50 of this process's CPU time (on SQLite the queries' work too; on PostgreSQL without
    the server's)."""
    p50, p95 = percentile(timing.spent, 0.50), percentile(timing.spent, 0.95)
    cold = "" if timing.cold_ms is None else f"cold {timing.cold_ms:7.1f} ms  "
    verdict = "within" if timing.within else "OVER"
    ceiling = f"{timing.measure}{'' if timing.cold_ms is None else ' and cold'} < {timing.ceiling_ms:.0f} ms"
    return (
        f"  {timing.label:<40} {cold}p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  n={len(timing.spent):<3}"
        f" ceiling {ceiling}: {verdict:<6}  (CPU p50 {percentile(timing.cpu, 0.50):6.1f} ms)"
    )


def _get(client: Any, url: str, params: dict[str, Any]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one GET, which must answer 200."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, params)
    spent = ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} {params} answered {response.status_code}")
    return spent


def _timing(label: str, measured: list[tuple[float, float]], ceiling_ms: float, measure: str, **cold: Any) -> Timing:
    wall, cpu = (sorted(values) for values in zip(*measured, strict=True))
    return Timing(label, wall, cpu, ceiling_ms, measure, **cold)


def first_paints(client: Any, *, today: Any, runs: int) -> list[Timing]:
    """GET /command/ for this month, quarter and year: the first request of each, then `runs`
    more; then the same for the twelve months' trends that the page loads after its first paint."""
    from django.urls import reverse

    from qiaomen.analytics.periods import period_of

    timings = []
    for name, page in (("/command/", "web:command"), ("trends", "web:command_target_trends")):
        url = reverse(page)
        for span in SPANS:
            params = {"period": period_of(span, today).label}
            cold, _ = _get(client, url, params)
            measured = [_get(client, url, params) for _ in range(runs)]
            label = f"{name} {span} {params['period']}"
            timings.append(_timing(label, measured, FIRST_PAINT_MS, "p50", cold_ms=cold))
    return timings


def drill_keys(street_id: int) -> dict[str, list[int]]:
    """The street's own key and its communities' keys: the levels the drill-downs are timed at."""
    from qiaomen.places.models import Community

    communities = list(Community.objects.filter(street_id=street_id).order_by("pk").values_list("pk", flat=True))
    return {"street": [street_id], "community": communities}


def drill_downs(
    client: Any, *, today: Any, street_id: int, spans: tuple[str, ...], runs: int
) -> tuple[list[Timing], dict[str, Any]]:
    """Every target's records at street and community level, `runs` times each key; the timings,
    and the parameters of the slowest request."""
    from django.urls import reverse

    from qiaomen.analytics.periods import period_of
    from qiaomen.analytics.targets import TARGETS

    url, timings = reverse("web:command_records"), []
    slowest: tuple[float, dict[str, Any]] = (0.0, {})
    for span in spans:
        period = period_of(span, today).label
        for level, keys in drill_keys(street_id).items():
            for target in TARGETS:
                measured = []
                for _ in range(runs):
                    for key in keys:
                        params = {"target": target.code, "period": period, "level": level, "key": key}
                        measured.append(_get(client, url, params))
                        slowest = max(slowest, (measured[-1][0], params), key=lambda pair: pair[0])
                timings.append(_timing(f"{target.code} {level} {span}", measured, DRILL_P95_MS, "p95"))
    return timings, slowest[1]


def queries_explain(call: Callable[[], object], *, top: int = 4) -> None:
    """The queries one call makes: their number and total, the slowest with their SQL, and on
    PostgreSQL the plan of the slowest as it runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    queries = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    total = sum(float(query["time"]) for query in queries) * 1000
    print(f"    {len(queries)} queries, {total:.0f} ms in the database")
    for query in queries[:top]:
        print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}")
    if queries and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
            for (line,) in cursor.fetchall():
                print(f"      {line}")


def backend_run(options: argparse.Namespace) -> None:
    """Build or reuse the street on one backend, then time the pages (this process only)."""
    started = time.perf_counter()
    street_ready(sizes_from(options), options.backend, rebuild=options.rebuild, pg_database=options.pg_database)
    static_collect()
    print(f"street and static files ready in {time.perf_counter() - started:.0f} s")

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from qiaomen.accounts.models import User
    from qiaomen.places.models import Street
    from qiaomen.registry.models import Household
    from qiaomen.testing import sign_in
    from qiaomen.tickets.models import Ticket
    from qiaomen.visits.models import Visit

    print(f"machine: {machine()}")
    print(
        f"{connection.display_name} {connection.Database.__name__}: "
        f"{Household.objects.count():,} households, {Visit.objects.count():,} visits, "
        f"{Ticket.objects.count():,} tickets"
    )
    client = sign_in(Client(), User.objects.get(username="admin"))
    today = timezone.localdate()
    street_id = Street.objects.order_by("pk").values_list("pk", flat=True)[0]
    print(f"first paint of /command/ and its trends fragment as the street admin (ceiling {FIRST_PAINT_MS:.0f} ms):")
    for timing in first_paints(client, today=today, runs=options.runs):
        print(timing_line(timing), flush=True)
    spans = tuple(span for span in options.drill_periods.split(",") if span)
    print(f"drill-downs /command/records/ at street and community level (ceiling p95 {DRILL_P95_MS:.0f} ms):")
    timings, slowest = drill_downs(client, today=today, street_id=street_id, spans=spans, runs=options.drill_runs)
    for timing in timings:
        print(timing_line(timing), flush=True)
    over = [timing.label for timing in timings if not timing.within]
    within = f"  {len(timings) - len(over)} of {len(timings)} drill-downs within the ceiling"
    print(within + (f"; over: {', '.join(over)}" if over else ""))
    if options.explain:
        from django.urls import reverse

        from qiaomen.analytics.periods import period_of

        year = {"period": period_of("year", today).label}
        print(f"queries of /command/ {year}:")
        queries_explain(lambda: client.get(reverse("web:command"), year))
        print(f"queries of the slowest drill-down {slowest}:")
        queries_explain(lambda: client.get(reverse("web:command_records"), slowest))
    print(f"machine after: {machine()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--runs", type=int, default=5, help="first paints per period after the cold one")
    parser.add_argument("--drill-runs", type=int, default=2, help="requests per drill-down key")
    parser.add_argument("--drill-periods", default="month,year", help="comma-separated: month, quarter, year")
    parser.add_argument("--explain", action="store_true", help="print the queries of the slowest pages")
    sizes_arguments(parser)
    options = parser.parse_args()
    if options.backend != "both":
        backend_run(options)
        return
    print(f"machine: {machine()}")
    passed = [argument for argument in sys.argv[1:] if argument not in ("--backend", "both")]
    for backend in BACKENDS:
        print(f"\n=== {backend} ===", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), *passed, "--backend", backend], check=True)


if __name__ == "__main__":
    main()

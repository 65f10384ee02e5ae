"""Benchmark: street coverage at 70,000 households and 1,000,000 visits on SQLite.

    .venv/bin/python bench/visits_coverage.py [--households 70000] [--visits 1000000] [--runs 5]
        [--source /tmp/bench70k] [--workdir DIR]

Reuses --workdir when it already holds a street (adding only the visits it lacks); otherwise
starts from a private copy of a seeded street (by default /tmp/bench70k, as bench/registry_read.py
leaves it; seeded afresh when that folder does not hold one), adds the visits spread over the last
12 months with the usual mix of outcomes (raw executemany in chunks, one transaction: the ORM
would take minutes for a million rows), then times qiaomen.visits.coverage.coverage_report() for
the whole street as its admin sees it, for this month and this quarter. Aim: < 1 s.
Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
import uuid
from pathlib import Path

from common import (
    bench_folder,
    machine,
    print_timings,
    street_prepare,
    timed_ms,
    visit_outcome,
)

AIM_MS = 1000.0
CHUNK = 50_000
VISIT_COLUMNS = (
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
    "far_from_building",
    "answers",
    "resolved_on_spot",
    "notes",
    "row_key",
)


def visits_insert(count: int, rng: random.Random) -> float:
    """`count` visits over the last 365 days on random households, each by its grid's worker;
    the seconds the insert took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from qiaomen.accounts.models import PlaceAssignment
    from qiaomen.registry.models import Household
    from qiaomen.visits.models import Visit, VisitType

    households = list(Household.objects.values_list("pk", "building__grid_id"))
    workers = dict(PlaceAssignment.objects.filter(grid__isnull=False).values_list("grid_id", "user_id"))
    fallback = PlaceAssignment.objects.values_list("user_id", flat=True).first()
    routine = VisitType.objects.get(code="routine").pk
    now = timezone.now()
    columns = ", ".join(VISIT_COLUMNS)
    sql = f"INSERT INTO {Visit._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(VISIT_COLUMNS))})"  # noqa: S608 (names are ours)
    answers_field = Visit._meta.get_field("answers")  # encrypted, sealed to each row (core.fields)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for first in range(0, count, CHUNK):
            rows = []
            for _ in range(min(CHUNK, count - first)):
                household_id, grid_id = rng.choice(households)
                # Daytime visits, minute precision, anywhere in the last year.
                moment = now - dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
                outcome, answers, reason = visit_outcome(rng)
                worker = workers.get(grid_id, fallback)
                row = (uuid.UUID(int=rng.getrandbits(128)).hex, household_id, grid_id, worker, routine)
                key = uuid.UUID(int=rng.getrandbits(128))
                sealed = answers_field.seal(json.loads(answers), row_key=key)  # type: ignore[attr-defined]
                rows.append((*row, moment, moment, "in_person", outcome, reason, False, sealed, False, "", key.hex))
            cursor.executemany(sql, rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=70_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--source", type=Path, default=Path("/tmp/bench70k"), help="a seeded street to copy")
    parser.add_argument("--workdir", type=Path, help="keep the database here (default: a temporary folder)")
    options = parser.parse_args()
    with bench_folder(options.workdir, name="coverage") as workdir:
        print(f"machine: {machine()}")
        street_prepare(workdir, source=options.source, households=options.households)

        from django.utils import timezone

        from qiaomen.accounts.models import User
        from qiaomen.accounts.roles import Role
        from qiaomen.registry.models import Household
        from qiaomen.registry.selectors import households_for_user
        from qiaomen.visits.coverage import coverage_report
        from qiaomen.visits.models import Visit
        from qiaomen.visits.periods import PeriodKind, period_containing

        # A kept folder already holds its visits: only what is missing is added.
        missing = options.visits - Visit.objects.count()
        if missing > 0:
            seconds = visits_insert(missing, random.Random(1))
            print(f"inserted {missing:,} visits in {seconds:.1f} s ({missing / seconds:,.0f} rows/s)")
        print(f"street: {Household.objects.count():,} households, {Visit.objects.count():,} visits")

        admin = User.objects.filter(role=Role.STREET_ADMIN).order_by("pk").first()
        assert admin is not None
        households = households_for_user(admin)
        today = timezone.localdate()
        for kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
            period = period_containing(kind, today)
            report = coverage_report(households, period=period, today=today)
            print(f"  {kind.value} {period.first_day}: {report.total}")
            for clock, what in ((time.perf_counter, ""), (time.process_time, ", CPU time")):
                spent = timed_ms(
                    lambda period=period: coverage_report(households, period=period, today=today),
                    options.runs,
                    clock=clock,
                )
                print_timings(f"coverage_report() for the street, {kind.value}{what}", spent, aim_ms=AIM_MS)


if __name__ == "__main__":
    main()

"""Benchmark: one grid worker's work list, for a grid of about 500 households with a year of visits.

    .venv/bin/python bench/visits_worklist.py [--runs 50] [--workdir DIR]

Seeds a small demo street, moves whole buildings into its largest grid until it holds about 500
households (the demo keeps grids at 300–500, the plan's upper bound is the case to
measure), then writes a year of visits the way the rules ask for them: special-group households
twice a month, the others once a quarter, with the usual mix of outcomes. Times
qiaomen.visits.selectors.work_list() for that grid, and the web:worklist page through Django's test
Client as the grid's worker. Aim: p95 < 100 ms. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from common import (
    bench_folder,
    django_setup,
    manage,
    percentile,
    print_timings,
    seeded_workdir,
    timed_ms,
    visit_outcome,
)
from figures import figure_record, under_limit

if TYPE_CHECKING:
    from qiaomen.accounts.models import User
    from qiaomen.places.models import Grid

AIM_MS = 100.0
GRID_HOUSEHOLDS = 500
SEED_HOUSEHOLDS = 1500  # three or four grids, enough buildings to fill one grid to 500


def grid_of_500() -> Grid:
    """The largest grid, grown with whole buildings of the others to (nearly) 500 households."""
    from django.db.models import Count

    from qiaomen.places.models import Building, Grid

    grids = list(Grid.objects.annotate(size=Count("buildings__households")).order_by("-size"))
    target, size = grids[0], grids[0].size
    donors = Building.objects.exclude(grid=target).annotate(size=Count("households")).order_by("grid_id", "pk")
    for building in donors:
        # Buildings that would overshoot are passed over, so the grid ends close to 500.
        if size + building.size <= GRID_HOUSEHOLDS:
            Building.objects.filter(pk=building.pk).update(grid=target)
            size += building.size
    return target


def year_of_visits(grid: Grid, worker: User, today: dt.date, rng: random.Random) -> int:
    """Visits of the last 12 months: special groups twice a month, the rest once a quarter."""
    from django.utils import timezone

    from qiaomen.registry.models import Household
    from qiaomen.visits.models import Visit, VisitType

    routine = VisitType.objects.get(code="routine")
    households = list(Household.objects.filter(building__grid=grid))
    special = set(
        Household.objects.filter(
            building__grid=grid, members__tags__is_special_group=True, members__tags__active=True
        ).values_list("pk", flat=True)
    )
    visits = []
    for household in households:
        every_days, count = (15, 24) if household.pk in special else (91, 4)
        for number in range(count):
            day = today - dt.timedelta(days=number * every_days + rng.randrange(every_days))
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + rng.randrange(9), rng.randrange(60))))
            outcome, _, reason = visit_outcome(rng)
            visits.append(
                Visit(
                    client_uuid=uuid.UUID(int=rng.getrandbits(128)),
                    household=household,
                    grid_id=grid.pk,
                    worker=worker,
                    visit_type=routine,
                    visited_at=moment,
                    received_at=moment,
                    outcome=outcome,
                    refused_reason=reason,
                    answers={"health": "良好", "safety": "安全"} if outcome == "met" else {},
                    notes="",
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    return len(visits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workdir", type=Path, help="keep the database here (default: a temporary folder)")
    options = parser.parse_args()
    with bench_folder(options.workdir, name="worklist") as workdir:
        seeded_workdir(workdir, households=SEED_HOUSEHOLDS)
        # Pages name their assets through the manifest that collectstatic writes (as `make run` does).
        manage(workdir, "collectstatic", "--noinput", "--verbosity", "0")
        django_setup(workdir)
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        # Loaded as a gunicorn worker loads it (qiaomen/wsgi.py): the long-lived objects are frozen
        # out of the collector's full passes, so the timings are a server worker's.
        import qiaomen.wsgi  # noqa: F401
        from qiaomen.accounts.roles import Role
        from qiaomen.registry.models import Household
        from qiaomen.registry.selectors import households_for_user
        from qiaomen.testing import make_user
        from qiaomen.visits.selectors import work_list

        grid = grid_of_500()
        worker = make_user("bench_worker", Role.GRID_WORKER, places=(grid,))
        rng = random.Random(1)
        written = year_of_visits(grid, worker, timezone.localdate(), rng)
        size = Household.objects.filter(building__grid=grid).count()
        print(f"grid {grid}: {size} households, {written} visits over the last 12 months")

        households = households_for_user(worker).filter(building__grid=grid)
        listing = work_list(households)
        print(f"work list: {listing.due_count} due, walk {listing.walking_distance_m:.0f} m")
        print_timings("work_list() for the grid", timed_ms(lambda: work_list(households), options.runs), aim_ms=AIM_MS)
        cpu = timed_ms(lambda: work_list(households), options.runs, clock=time.process_time)
        print_timings("work_list() for the grid, CPU time", cpu, aim_ms=AIM_MS)

        client = Client()
        client.force_login(worker)
        url = f"{reverse('web:worklist')}?grid={grid.pk}"
        assert client.get(url).status_code == 200  # a broken page is not a figure
        page = timed_ms(lambda: client.get(url), options.runs)
        print_timings("GET web:worklist as the grid's worker", page, aim_ms=AIM_MS)
        page_p95 = percentile(page, 0.95)
        figure_record(under_limit(f"work list page, {size} households", page_p95, "ms p95", AIM_MS))
        page_cpu = timed_ms(lambda: client.get(url), options.runs, clock=time.process_time)
        print_timings("GET web:worklist, CPU time", page_cpu, aim_ms=AIM_MS)


if __name__ == "__main__":
    main()

"""Benchmark: the service-point coverage rule (participation.menu.coverage) at a city's size.

    .venv/bin/python bench/menu_coverage.py [--households 70000] [--points 60]

A synthetic street: buildings of ~30 households each scattered over about 6 × 5 km, points
spread over the same area, every point open. Times the grid-bucketed computation against the
plain loop over buildings × points that it replaces, checks both find the same buildings, and
prints the machine. The database part (one grouped query for households per building, one for
the points) is not included. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine

from qiaomen.core.geo import distance_m
from qiaomen.participation.menu.coverage import (
    METRES_PER_DEGREE,
    RADIUS_M,
    BuildingSpot,
    PointSpot,
    buildings_covered,
    coverage_by_community,
)

ORIGIN = (31.2, 121.4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=70_000)
    parser.add_argument("--points", type=int, default=60)
    options = parser.parse_args()
    rng = random.Random(1)

    def spot() -> tuple[float, float]:
        return ORIGIN[0] + rng.uniform(0, 5000) / METRES_PER_DEGREE, ORIGIN[1] + rng.uniform(0, 6000) / 95_000

    buildings = [BuildingSpot(pk, pk % 12, *spot(), 30) for pk in range(max(1, options.households // 30))]
    points = [PointSpot(*spot(), "12345", dt.date(2020, 1, 1), None) for _ in range(options.points)]
    started = time.perf_counter()
    covered = buildings_covered(buildings, points)
    bucketed = time.perf_counter() - started
    started = time.perf_counter()
    table = coverage_by_community(buildings, points, on=dt.date(2026, 3, 11))
    whole = time.perf_counter() - started
    started = time.perf_counter()
    naive = {
        b.building_id
        for b in buildings
        if any(distance_m((b.lat, b.lng), (p.lat, p.lng)) <= RADIUS_M for p in points)  # type: ignore[arg-type]
    }
    plain = time.perf_counter() - started
    assert naive == covered, "the buckets must find exactly the buildings the plain loop finds"
    share = sum(r.covered for r in table.values()) / sum(r.households for r in table.values())
    print(f"machine: {machine()}")
    print(
        f"{len(buildings):,} buildings ({options.households:,} households), {len(points)} points, "
        f"{share:.1%} covered: buckets {bucketed * 1000:.0f} ms, by community with the week rule "
        f"{whole * 1000:.0f} ms; plain buildings × points loop {plain * 1000:.0f} ms (same result)"
    )


if __name__ == "__main__":
    main()

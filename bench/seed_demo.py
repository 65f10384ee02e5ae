"""Benchmark: `manage.py seed_demo` of a street into a new SQLite file, with its demo year or not.

    .venv/bin/python bench/seed_demo.py [--households 70000] [--months 0] [--seed 1] [--workdir DIR]

`--months 0` (the default) times the street alone: registry, people, users and door codes.
`--months 12` times what `make run` does: the street and a year of visits and tickets lived
through the services; issue 13 sets its ceiling at 90 s for 3,000 households and 30 minutes for
70,000, printed beside the figure for those two sizes.

Migrates a throwaway database, then times the seed in a process of its own and reads that
process's peak memory. With --workdir the seeded folder is kept (bench/registry_read.py can use
it). Prints the figures and the machine. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import DATABASE_NAME, bench_folder, machine, street_seed

# Issue 13: seconds of wall time for a street with its demo year (the issue sets no other sizes).
YEAR_CEILINGS = {3_000: 90, 70_000: 1_800}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=70_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--months", type=int, default=0, help="months of demo history (make run: 12)")
    parser.add_argument("--workdir", type=Path, help="keep the seeded database in this (new) folder")
    options = parser.parse_args()
    if options.workdir and (options.workdir / DATABASE_NAME).exists():
        parser.error(f"{options.workdir / DATABASE_NAME} exists: seed_demo only fills an empty database")
    with bench_folder(options.workdir, name="seed") as workdir:
        run = street_seed(workdir, households=options.households, seed=options.seed, months=options.months)
        size_mb = (workdir / DATABASE_NAME).stat().st_size / 2**20
        print(f"machine: {machine()}")
        lines = run.output.splitlines()
        print("\n".join(line for line in lines if line and not line.startswith("  ")))  # not the monthly progress
        print(
            f"seed_demo --households {options.households:,} --months {options.months}: "
            f"{run.seconds:.1f} s wall, {run.cpu_seconds:.1f} s CPU "
            f"for the command ({options.households / run.seconds:,.0f} households/s), "
            f"peak memory {run.peak_mb:,.0f} MB, database file {size_mb:,.0f} MB"
        )
        ceiling = YEAR_CEILINGS.get(options.households) if options.months else None
        if ceiling is not None:
            verdict = "within" if run.seconds < ceiling else "OVER"
            print(f"ceiling for {options.households:,} households with their year: {ceiling:,} s wall -> {verdict}")


if __name__ == "__main__":
    main()

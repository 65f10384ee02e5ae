"""Benchmark: `manage.py seed_demo` of a 70,000-household street into a new SQLite file.

    .venv/bin/python bench/seed_demo.py [--households 70000] [--seed 1] [--workdir DIR]

Migrates a throwaway database, then times the seed in a process of its own and reads that
process's peak memory. With --workdir the seeded folder is kept (bench/registry_read.py can use
it). Prints the figures and the machine. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import DATABASE_NAME, bench_folder, machine, street_seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=70_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the seeded database in this (new) folder")
    options = parser.parse_args()
    if options.workdir and (options.workdir / DATABASE_NAME).exists():
        parser.error(f"{options.workdir / DATABASE_NAME} exists: seed_demo only fills an empty database")
    with bench_folder(options.workdir, name="seed") as workdir:
        run = street_seed(workdir, households=options.households, seed=options.seed)
        size_mb = (workdir / DATABASE_NAME).stat().st_size / 2**20
        print(f"machine: {machine()}")
        print(run.output.strip().splitlines()[0])
        print(
            f"seed_demo --households {options.households:,}: {run.seconds:.1f} s wall, {run.cpu_seconds:.1f} s CPU "
            f"for the command ({options.households / run.seconds:,.0f} households/s), "
            f"peak memory {run.peak_mb:,.0f} MB, database file {size_mb:,.0f} MB"
        )


if __name__ == "__main__":
    main()

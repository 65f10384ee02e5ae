"""A city on PostgreSQL: the street of bench/command_data.py at city size, loaded in bulk.

    .venv/bin/python bench/city_seed.py [--households 4000000] [--seed 1] [--rebuild]

Visits and tickets follow the issue's city: 12.5 visits and 1.25 tickets a household (4,000,000
households: about 10 million people, 50 million visits, 5 million tickets). The rows come from
the same generators as the demo street (its places, households and people) and as the command
centre's bench (a year of visits and of tickets with their timelines); they go in with COPY, the
visits and tickets as a bulk load (bench/pg_bulk_load.py: their indexes and keys made again and
checked at the end). It prints each part's seconds and the rows a second and a minute of the
whole build. The database is qiaomen_city_<households>, kept (with its key under var/bench/) for
`make bench-city`, which measures the pages on it; --rebuild builds it afresh.
"""

from __future__ import annotations

import argparse

from command_data import Sizes, street_ready

VISITS_PER_HOUSEHOLD = 12.5
TICKETS_PER_HOUSEHOLD = 1.25


def city_sizes(households: int, *, seed: int = 1) -> Sizes:
    return Sizes(
        households,
        round(households * VISITS_PER_HOUSEHOLD),
        round(households * TICKETS_PER_HOUSEHOLD),
        seed,
    )


def city_database(households: int) -> str:
    return f"qiaomen_city_{households}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=4_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="build afresh even if a built city is kept")
    options = parser.parse_args()
    sizes = city_sizes(options.households, seed=options.seed)
    street_ready(sizes, "postgresql", rebuild=options.rebuild, pg_database=city_database(options.households))


if __name__ == "__main__":
    main()

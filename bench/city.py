"""`make bench-city`: the pages of bench/city_pages.py on PostgreSQL at several street sizes, then
one table: each page's p95 at each size beside its ceiling, and the growth from size to size.

    .venv/bin/python bench/city.py [--sizes 70000,250000] [--runs 20]

Each size is the city of bench/city_seed.py (12.5 visits and 1.25 tickets a household), built
once in bulk into a PostgreSQL database of its own (qiaomen_city_<households>, kept with its key
under var/bench/ for the next run; city_seed.py builds one ahead) and measured in a process of
its own. The growth of a page is its p95 at a size over its p95 at the size before: flat is
about 1, whatever the size ratio. Run it on an idle machine; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from city_seed import city_database, city_sizes
from common import ROOT, machine
from figures import FIGURES_ENV, Figure, figures_read

SIZE_MARK = " @ "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="70000,250000", help="households, comma-separated, ascending")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(",") if size)
    failed: list[int] = []
    with tempfile.TemporaryDirectory(prefix="qiaomen-bench-city-") as folder:
        figures_file = Path(folder) / "figures.jsonl"
        for households in sizes:
            print(f"== {households:,} households", flush=True)
            command = [
                sys.executable,
                str(ROOT / "bench" / "city_pages.py"),
                f"--households={households}",
                f"--visits={city_sizes(households).visits}",
                f"--tickets={city_sizes(households).tickets}",
                f"--runs={options.runs}",
                f"--pg-database={city_database(households)}",
            ]
            env = {**os.environ, FIGURES_ENV: str(figures_file)}
            if subprocess.run(command, cwd=ROOT, env=env, check=False).returncode != 0:
                failed.append(households)
        figures = figures_read(figures_file)
    print()
    print(f"machine: {machine()}")
    for line in table(figures, sizes):
        print(line)
    for households in failed:
        print(f"  {households:,} households FAILED: its figures are missing above")
    if failed:
        raise SystemExit(1)


def table(figures: list[Figure], sizes: list[int]) -> list[str]:
    """One line per page: p95 at each size (ratio to the ceiling), the growth, the verdict."""
    by_page: dict[str, dict[int, Figure]] = {}
    for figure in figures:
        page, _mark, size = figure.work.partition(SIZE_MARK)
        by_page.setdefault(page, {})[int(size.split()[0].replace(",", ""))] = figure
    header = "".join(f"{f'{size:,} hh':>22}" for size in sizes)
    lines = [f"  {'page or job (p95, % of ceiling)':<42}{header}  growth size to size   ceiling"]
    for page, measured in by_page.items():
        cells = "".join(f"{_cell(measured.get(size)):>22}" for size in sizes)
        present = [measured[size] for size in sizes if size in measured]
        growth = " ".join(f"×{later.value / earlier.value:.2f}" for earlier, later in itertools.pairwise(present))
        verdict = "met" if all(figure.met for figure in present) else "NOT met"
        ceiling = present[0].goal if present else ""
        lines.append(f"  {page:<42}{cells}  {growth or '-':<20}   {ceiling}: {verdict}")
    return lines


def _cell(figure: Figure | None) -> str:
    """A figure in its own unit ("ms p95" → ms, "s" → s) with its share of the ceiling."""
    if figure is None:
        return "-"
    return f"{figure.value:,.1f} {figure.unit.split()[0]} ({figure.ratio:.0%})"


if __name__ == "__main__":
    main()

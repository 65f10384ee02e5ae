"""`make bench`: the street-size benchmarks one after the other, then one table of their figures,
each beside its ceiling measured in the same run, with the ratio and the goal.

    .venv/bin/python bench/street.py [--only visits_post,import_people,visits_worklist]

Each benchmark runs as a process of its own (Django's settings are per process) and prints its
own lines as it goes; it adds its figures to a file named in the environment (figures.py). Run
them one at a time on an idle machine: the figures are the machine's. A benchmark that fails
is named in the table and makes the exit status 1. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, machine
from figures import FIGURES_ENV, Figure, figures_read

# The street-size benchmarks, a few minutes in all on a 2-core machine; the city sizes on
# PostgreSQL are bench/command_centre.py's and tickets_figures.py's own, longer runs.
BENCHMARKS = ("visits_post", "import_people", "visits_worklist", "registry_read", "tickets_accept")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated benchmark names")
    options = parser.parse_args()
    names = [name for name in options.only.split(",") if name]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="qiaomen-bench-street-") as folder:
        figures_file = Path(folder) / "figures.jsonl"
        for name in names:
            print(f"== bench/{name}.py", flush=True)
            result = subprocess.run(
                [sys.executable, str(ROOT / "bench" / f"{name}.py")],
                cwd=ROOT,
                env={**os.environ, FIGURES_ENV: str(figures_file)},
                check=False,
            )
            if result.returncode != 0:
                failed.append(name)
        figures = figures_read(figures_file)
    print()
    print(f"machine: {machine()}")
    for line in table(figures):
        print(line)
    for name in failed:
        print(f"  bench/{name}.py FAILED: its figures are missing above")
    if failed:
        raise SystemExit(1)


def table(figures: list[Figure]) -> list[str]:
    lines = [f"  {'work':<58} {'figure':>16}  {'ceiling':>16}  {'ratio':>7}  goal"]
    for figure in figures:
        verdict = "met" if figure.met else "NOT met"
        lines.append(
            f"  {figure.work:<58} {_amount(figure.value, figure.unit):>16}  {_amount(figure.ceiling, figure.unit):>16}"
            f"  {figure.ratio:>6.0%}  {figure.goal} ({figure.ceiling_label}): {verdict}"
        )
    return lines


def _amount(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.1f} {unit}"


if __name__ == "__main__":
    main()

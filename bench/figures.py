"""One figure beside its ceiling, for the table that `make bench` prints (bench/street.py).

A benchmark calls `figure_record` for each figure it measured; when bench/street.py runs it, the
environment names a file (FIGURES_ENV) and each figure is added to it as one JSON line. Run
alone, a benchmark prints its own lines as before and records nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

FIGURES_ENV = "QIAOMEN_BENCH_FIGURES"


@dataclass(frozen=True)
class Figure:
    work: str  # what was measured: "visit POST", "import 100,000 people"
    value: float
    unit: str  # "req/s", "rows/s", "ms", "MB"
    ceiling: float  # what it is measured against: the one-INSERT view's rate, calamine's read rate, a limit
    ceiling_label: str  # "one-INSERT view, same server, same run", "goal"
    goal: str  # the goal, in words: "≥ 50 % of ceiling", "< 100 ms"
    met: bool
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        return self.value / self.ceiling if self.ceiling else 0.0


def under_limit(work: str, value: float, unit: str, limit: float, *, met: bool = True, note: str = "") -> Figure:
    """A figure that must stay under the issue's limit (a p95, seconds, megabytes); `met` False
    when something else failed it too (answers that were not 200, rows escalated twice)."""
    label = "the issue's limit" + (f"; {note}" if note else "")
    goal = f"< {limit:,.0f} {unit.split()[0]}"
    return Figure(work, value, unit, limit, label, goal, met=met and value < limit, higher_is_better=False)


def figure_record(figure: Figure) -> None:
    path = os.environ.get(FIGURES_ENV)
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")


def figures_read(path: Path) -> list[Figure]:
    if not path.exists():
        return []
    return [Figure(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

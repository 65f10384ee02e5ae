"""How units are assessed against the targets and ranked for the quarterly assessment and the
yearly awards: score = the share of the targets with data that the unit meets; ties are broken
by satisfaction (higher first); equal on both, equal rank (1, 2, 2, 4). A unit with no figure
at all has no score and no rank, and comes last."""

from __future__ import annotations

from dataclasses import dataclass

from qiaomen.analytics.targets import Figure, FigureRow, Target

GREEN, RED, NO_DATA = "green", "red", "none"
TIE_BREAKER = "satisfaction"


@dataclass(frozen=True)
class Assessed:
    row: FigureRow
    met: int  # targets with a green light
    assessed: int  # targets with data
    rank: int | None
    previous: FigureRow | None = None  # the same unit in the period before (monthly bulletin)

    @property
    def score(self) -> float | None:
        return self.met / self.assessed if self.assessed else None

    def change(self, code: str) -> float | None:
        """This period's value less the previous period's, when both have one."""
        if self.previous is None:
            return None
        now, before = self.row.figures[code].value, self.previous.figures[code].value
        return None if now is None or before is None else now - before


def _sort_key(row: FigureRow, score: float | None) -> tuple[float, float]:
    tie = row.figures.get(TIE_BREAKER)
    tie_value = tie.value if tie is not None and tie.value is not None else -1.0
    return (score if score is not None else -1.0, tie_value)


def assess(rows: list[FigureRow], *, previous: list[FigureRow] | None = None) -> list[Assessed]:
    """The rows with their score and rank, best first."""
    before = {row.key: row for row in previous or []}
    counted = []
    for row in rows:
        lights = [figure.light for figure in row.figures.values()]
        met, assessed = lights.count(GREEN), len(lights) - lights.count(NO_DATA)
        counted.append((row, met, assessed, _sort_key(row, met / assessed if assessed else None)))
    counted.sort(key=lambda item: (item[2] == 0, tuple(-part for part in item[3]), item[0].name))
    ranked: list[Assessed] = []
    last_key: tuple[float, float] | None = None
    last_rank: int | None = None
    for position, (row, met, assessed, key) in enumerate(counted, start=1):
        rank: int | None = None
        if assessed:
            rank = last_rank if key == last_key else position
            last_key, last_rank = key, rank
        ranked.append(Assessed(row, met, assessed, rank, before.get(row.key)))
    return ranked


def better(target: Target, value: float, other: float) -> bool:
    """Whether `value` is better than `other` for this target (higher for ≥, lower for ≤ and <)."""
    return value > other if target.comparator == "≥" else value < other


@dataclass(frozen=True)
class Extremes:
    """The best and the worst unit of a level on one target (the bulletin's lists)."""

    target: Target
    best: FigureRow
    best_figure: Figure
    worst: FigureRow
    worst_figure: Figure


def extremes(target: Target, rows: list[FigureRow]) -> Extremes | None:
    """None when fewer than two units have a figure: one unit is neither best nor worst."""
    measured = [(row, row.figures[target.code]) for row in rows if row.figures[target.code].value is not None]
    if len(measured) < 2:
        return None
    best = worst = measured[0]
    for row, figure in measured[1:]:
        if better(target, _value(figure), _value(best[1])):
            best = (row, figure)
        if better(target, _value(worst[1]), _value(figure)):
            worst = (row, figure)
    return Extremes(target, best[0], best[1], worst[0], worst[1])


def _value(figure: Figure) -> float:
    assert figure.value is not None
    return figure.value

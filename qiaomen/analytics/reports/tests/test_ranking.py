"""Score = share of the targets with data that are met; ties by satisfaction; equal, equal rank."""

from __future__ import annotations

from qiaomen.analytics.reports.ranking import assess, extremes
from qiaomen.analytics.targets import TARGETS, TARGETS_BY_CODE, Figure, FigureRow

SATISFACTION, ON_SPOT, RESPONSE = (
    TARGETS_BY_CODE[code] for code in ("satisfaction", "on_spot_rate", "response_avg_hours")
)


def unit(key: int, name: str, *, green: int, red: int, satisfaction: float | None = None) -> FigureRow:
    """A unit with `green` targets met and `red` missed (satisfaction among them when given);
    the other targets have no data."""
    figures = {target.code: Figure(target, None, 0, 0, "none") for target in TARGETS}
    lights = ["green"] * green + ["red"] * red
    others = [target for target in TARGETS if target.code != "satisfaction"]
    if satisfaction is not None:
        light = "green" if SATISFACTION.meets(satisfaction) else "red"
        lights.remove(light)
        figures["satisfaction"] = Figure(SATISFACTION, satisfaction, satisfaction * 100, 100, light)
    for target, light in zip(others, lights, strict=False):
        figures[target.code] = Figure(target, 1.0 if light == "green" else 0.0, 1, 1, light)
    return FigureRow("community", key, name, figures)


def test_the_share_of_targets_met_ranks_first_then_satisfaction() -> None:
    rows = [
        unit(1, "甲", green=2, red=2, satisfaction=0.80),  # 50 %
        unit(2, "乙", green=3, red=1, satisfaction=0.90),  # 75 %
        unit(3, "丙", green=1, red=1, satisfaction=0.95),  # 50 %, more satisfied than 甲
        unit(4, "丁", green=0, red=0),  # nothing to count
        unit(5, "戊", green=4, red=4, satisfaction=0.80),  # 50 %, as satisfied as 甲: same rank
    ]
    ranked = assess(rows)
    assert [(a.row.name, a.rank, a.score) for a in ranked] == [
        ("乙", 1, 0.75),
        ("丙", 2, 0.5),
        ("戊", 3, 0.5),
        ("甲", 3, 0.5),
        ("丁", None, None),
    ]
    assert [(a.met, a.assessed) for a in ranked][:2] == [(3, 4), (1, 2)]


def test_the_change_since_last_month_is_per_unit() -> None:
    now = unit(1, "甲", green=1, red=0, satisfaction=0.90)
    before = unit(1, "甲", green=0, red=1, satisfaction=0.70)
    (assessed,) = assess([now], previous=[before, unit(2, "乙", green=1, red=0)])
    assert assessed.change("satisfaction") == 0.90 - 0.70
    assert assessed.change("on_spot_rate") is None  # no figure last month
    (alone,) = assess([now])
    assert alone.change("satisfaction") is None


def test_best_and_worst_follow_the_targets_direction() -> None:
    def response(key: int, name: str, hours: float | None) -> FigureRow:
        row = unit(key, name, green=0, red=0)
        light = "none" if hours is None else ("green" if RESPONSE.meets(hours) else "red")
        return FigureRow(row.level, key, name, {**row.figures, RESPONSE.code: Figure(RESPONSE, hours, 0, 1, light)})

    rows = [response(1, "甲", 30.0), response(2, "乙", 2.0), response(3, "丙", None), response(4, "丁", 12.0)]
    found = extremes(RESPONSE, rows)
    assert found is not None and (found.best.name, found.worst.name) == ("乙", "甲")  # fewer hours are better
    satisfied = [unit(1, "甲", green=1, red=0, satisfaction=0.9), unit(2, "乙", green=0, red=1, satisfaction=0.5)]
    best_and_worst = extremes(SATISFACTION, satisfied)
    assert best_and_worst is not None and (best_and_worst.best.name, best_and_worst.worst.name) == ("甲", "乙")
    assert extremes(ON_SPOT, rows[:1]) is None  # one unit is neither best nor worst

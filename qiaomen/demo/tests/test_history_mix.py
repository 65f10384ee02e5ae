"""The demo year's calendar and seasonal mix of demands (pure rules, no database)."""

from __future__ import annotations

import datetime as dt
import random

from qiaomen.core.workdays import CHINA
from qiaomen.demo.history.calendar import months_before, sim_year
from qiaomen.demo.history.mix import REPORT_WEIGHTS, VISIT_WEIGHTS, demand_weights, seasons_of
from qiaomen.demo.history.quality import community_qualities, department_qualities
from qiaomen.tickets.models import Subcategory

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)


def _share(code: str, day: dt.date, after_festival: bool = False) -> float:
    weights = demand_weights(REPORT_WEIGHTS, seasons_of(day, after_festival))
    return weights[code] / sum(weights.values())


def test_the_year_runs_from_the_same_day_months_ago_to_today() -> None:
    year = sim_year(now=NOW, months=12)
    assert (year.start, year.today) == (dt.date(2025, 11, 20), dt.date(2026, 11, 20))
    assert year.days[0] == year.start and year.days[-1] == year.today and len(year.days) == 366
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)


def test_rubbish_piles_up_in_the_first_working_days_after_a_festival() -> None:
    year = sim_year(now=NOW, months=12)
    # The National Day holiday of 2026 ends on 7 October; the 8th is the first working day back.
    assert {dt.date(2026, 10, 8), dt.date(2026, 10, 9)} <= year.after_festival
    assert dt.date(2026, 10, 3) not in year.after_festival
    assert _share("LIF-ENV", dt.date(2026, 10, 8), after_festival=True) > 2 * _share("LIF-ENV", dt.date(2026, 10, 20))


def test_heat_and_power_in_summer_heating_and_pipes_in_winter_school_places_in_spring() -> None:
    summer, winter, spring, autumn = (
        dt.date(2026, 7, 15),
        dt.date(2026, 1, 15),
        dt.date(2026, 4, 15),
        dt.date(2026, 10, 20),
    )
    assert _share("LIF-FAC", summer) > 1.5 * _share("LIF-FAC", autumn)
    assert _share("LIF-FAC", winter) > 1.5 * _share("LIF-FAC", autumn)
    assert _share("EMG-HEALTH", summer) > _share("EMG-HEALTH", autumn)
    assert _share("POL-EDU", spring) > 3 * _share("POL-EDU", autumn)


def test_the_mix_uses_the_default_taxonomy_codes(db: None) -> None:
    codes = set(Subcategory.objects.values_list("code", flat=True))
    assert set(VISIT_WEIGHTS) == set(REPORT_WEIGHTS) == codes


def test_communities_and_departments_differ_on_every_target() -> None:
    communities = community_qualities(random.Random(1), 3)
    departments = department_qualities(random.Random(1), 12)
    assert {c.special_follow_up for c in communities} == {True, False}
    assert min(c.demand_per_visit for c in communities) * 3 < max(c.demand_per_visit for c in communities)
    assert min(d.accept_hours for d in departments) < 2 < 12 < max(d.accept_hours for d in departments)
    assert min(d.satisfied_share for d in departments) < 0.85 < max(d.satisfied_share for d in departments)
    assert min(d.stuck_share for d in departments) < 0.05 < max(d.stuck_share for d in departments)

"""The targets by level on a hand-checked small street, and the same numbers as ticket_figures."""

from __future__ import annotations

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.targets import LEVELS, TARGETS, target_rows, target_total
from qiaomen.analytics.tests.targets_street import NOVEMBER, target_street
from qiaomen.analytics.ticket_figures import ticket_figures_total
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Ticket

pytestmark = pytest.mark.django_db
__all__ = ["target_street"]


def test_the_plan_has_eight_targets_with_their_goals() -> None:
    goals = {t.code: (t.comparator, t.goal) for t in TARGETS}
    assert goals == {
        "on_spot_rate": ("≥", 0.60),
        "completion_rate": ("≥", 0.90),
        "response_avg_hours": ("≤", 24.0),
        "satisfaction": ("≥", 0.85),
        "proactive_share": ("≥", 0.30),
        "special_coverage": ("≥", 1.0),
        "repeat_rate": ("<", 0.10),
        "second_complaint_rate": ("≤", 0.05),
    }
    assert LEVELS == ("street", "community", "grid", "worker", "department")


def test_street_total_checked_by_hand(target_street: SmallStreet) -> None:
    total = target_total(scope=place_scope(target_street.users["street_admin"]), period=NOVEMBER)
    f = total.figures
    assert (f["on_spot_rate"].numerator, f["on_spot_rate"].denominator) == (1, 6)
    assert f["on_spot_rate"].light == "red"
    assert f["completion_rate"].value == 3 / 6
    assert f["response_avg_hours"].value == pytest.approx((2 + 4 + 30) / 3)
    assert f["response_avg_hours"].denominator == 3 and f["response_avg_hours"].light == "green"
    assert (f["satisfaction"].numerator, f["satisfaction"].denominator) == (2, 3)
    assert f["proactive_share"].value == 3 / 6 and f["proactive_share"].light == "green"
    assert (f["special_coverage"].numerator, f["special_coverage"].denominator) == (1, 2)
    assert f["special_coverage"].light == "red"
    assert f["repeat_rate"].value == 4 / 6
    assert (f["second_complaint_rate"].numerator, f["second_complaint_rate"].denominator) == (1, 4)


def test_ticket_targets_equal_ticket_figures(target_street: SmallStreet) -> None:
    """The SQL aggregates give what the settled formulas of analytics.ticket_figures give."""
    total = target_total(scope=place_scope(target_street.users["street_admin"]), period=NOVEMBER).figures
    old = ticket_figures_total(Ticket.objects.all(), start=NOVEMBER.start, end=NOVEMBER.end)
    for code in (
        "on_spot_rate",
        "completion_rate",
        "satisfaction",
        "proactive_share",
        "repeat_rate",
        "second_complaint_rate",
    ):
        assert total[code].value == getattr(old, code), code
    assert total["response_avg_hours"].value == pytest.approx(old.response_avg_hours)


def test_rows_by_level(target_street: SmallStreet) -> None:
    scope = place_scope(target_street.users["street_admin"])
    grids = {row.name: row for row in target_rows(scope=scope, period=NOVEMBER, level="grid")}
    assert set(grids) == {"和平一网格", "光明一网格"}
    a, b = grids["和平一网格"].figures, grids["光明一网格"].figures
    assert (a["on_spot_rate"].denominator, b["on_spot_rate"].denominator) == (4, 2)
    assert a["special_coverage"].light == "green" and b["special_coverage"].light == "red"
    assert b["response_avg_hours"].value == pytest.approx(30)
    workers = {row.name: row for row in target_rows(scope=scope, period=NOVEMBER, level="worker")}
    assert workers["worker1"].figures["on_spot_rate"].denominator == 4
    assert workers["worker2"].figures["special_coverage"].denominator == 1
    streets = target_rows(scope=scope, period=NOVEMBER, level="street")
    assert [(row.name, row.figures["on_spot_rate"].denominator) for row in streets] == [("幸福街道", 6)]
    departments = {row.name: row for row in target_rows(scope=scope, period=NOVEMBER, level="department")}
    minzheng = departments["民政"].figures
    assert minzheng["on_spot_rate"].denominator == 6
    assert minzheng["special_coverage"].value is None and minzheng["special_coverage"].light == "none"


def test_community_staff_see_their_community_only(target_street: SmallStreet) -> None:
    scope = place_scope(target_street.users["community_staff"])
    rows = target_rows(scope=scope, period=NOVEMBER, level="community")
    assert [row.name for row in rows] == ["和平社区"]
    total = target_total(scope=scope, period=NOVEMBER)
    assert total.figures["on_spot_rate"].denominator == 4
    assert total.figures["special_coverage"].denominator == 1


def test_a_department_sees_its_tickets_and_no_coverage(target_street: SmallStreet) -> None:
    handler = target_street.users["dept_handler"]
    total = target_total(scope=place_scope(handler), period=NOVEMBER, department_id=handler.department_id)
    assert total.figures["on_spot_rate"].denominator == 6
    assert total.figures["special_coverage"].light == "none"


def test_no_tickets_give_no_light_but_an_unvisited_elder_is_red(small_street: SmallStreet) -> None:
    figures = target_total(scope=place_scope(small_street.users["street_admin"]), period=NOVEMBER).figures
    coverage = figures.pop("special_coverage")
    assert {f.light for f in figures.values()} == {"none"}
    assert all(f.value is None for f in figures.values())
    assert (coverage.value, coverage.denominator, coverage.light) == (0, 1, "red")


def test_unknown_level_is_refused(small_street: SmallStreet) -> None:
    with pytest.raises(ValueError, match="level"):
        target_rows(scope=place_scope(small_street.users["street_admin"]), period=NOVEMBER, level="planet")

"""The job's coverage snapshots: the same counts as the live aggregate, read by the command centre
while fresh (summed over the user's grids, with the time they were counted), and counted live
again for another period, a stale snapshot or a scope of single buildings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.analytics.coverage_snapshots import (
    MAX_AGE,
    REFRESH_MINUTES,
    coverage_snapshots_refresh,
    current_periods,
    household_counts_kept,
)
from qiaomen.analytics.models import CoverageSnapshot
from qiaomen.analytics.targets import TargetTable
from qiaomen.analytics.targets_counts import household_counts
from qiaomen.analytics.tasks import coverage_snapshots_every_few_minutes
from qiaomen.analytics.tests.targets_street import NOVEMBER, target_street, visit
from qiaomen.testing import SmallStreet, make_person

pytestmark = pytest.mark.django_db
__all__ = ["target_street"]

NOW = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)  # 10:00 in Shanghai; November is this month


@pytest.fixture
def in_november() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _coverage(client: Client) -> tuple[str, str]:
    """(numerator / denominator, the page's note) of the special-group card on the command centre."""
    response = client.get(reverse("web:command"), {"period": NOVEMBER.label})
    assert response.status_code == 200
    cell = next(c for c in response.context["total"]["cells"] if c["code"] == "special_coverage")
    counted_at = response.context["households_counted_at"]
    shown = "" if counted_at is None else f"{timezone.localtime(counted_at):%H:%M}"  # Shanghai time
    return f"{cell['numerator']}/{cell['denominator']}", shown


def test_a_snapshot_holds_the_live_counts_of_each_current_period(target_street: SmallStreet, in_november: None):
    kept = coverage_snapshots_refresh()

    periods = current_periods(dt.date(2026, 11, 20))
    assert [(snapshot.start, snapshot.end) for snapshot in kept] == [(p.start, p.end) for p in periods]
    assert [p.label for p in periods] == ["2026-11", "2026Q4", "2026"]
    scope = place_scope(target_street.users["street_admin"])
    for snapshot, period in zip(kept, periods, strict=True):
        live = household_counts(scope=scope, start=period.start, end=period.end)
        assert snapshot.by_grid == {str(grid): [c.special, c.special_covered] for grid, c in live.items()}
    grid_a, grid_b = str(target_street.grid_a.pk), str(target_street.grid_b.pk)
    assert kept[0].by_grid == {grid_a: [1, 1], grid_b: [1, 0]}, "household_a met, household_b refused"
    assert kept[0].counted_at == NOW


def test_the_command_centre_reads_a_fresh_snapshot_and_says_when_it_was_counted(
    target_street: SmallStreet, client_as: Callable[[str], Client], in_november: None
):
    client = client_as("street_admin")
    assert _coverage(client) == ("1/2", ""), "no snapshot yet: counted live"
    coverage_snapshots_refresh()
    visit(target_street, grid="b", when=NOW - dt.timedelta(hours=1))  # household_b met after the count

    assert _coverage(client) == ("1/2", "10:00"), "the snapshot, counted at 10:00 Shanghai time"
    body = client.get(reverse("web:command"), {"period": NOVEMBER.label}).content.decode()
    assert "统计于 10:00，每 5 分钟更新一次。" in body

    coverage_snapshots_refresh()
    assert _coverage(client) == ("2/2", "10:00")


def test_a_stale_snapshot_or_another_period_is_counted_live(
    target_street: SmallStreet, client_as: Callable[[str], Client]
):
    client = client_as("street_admin")
    with time_machine.travel(NOW, tick=False):
        coverage_snapshots_refresh()
    visit(target_street, grid="b", when=NOW + dt.timedelta(minutes=1))
    with time_machine.travel(NOW + MAX_AGE - dt.timedelta(seconds=1), tick=False):
        assert _coverage(client) == ("1/2", "10:00")
    with time_machine.travel(NOW + MAX_AGE + dt.timedelta(seconds=1), tick=False):
        assert _coverage(client) == ("2/2", ""), "the job stopped: live counts, not old ones"
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("web:command"), {"from": "2026-11-01", "to": "2026-11-29"})
        assert response.context["households_counted_at"] is None, "a custom period has no snapshot"


def test_each_scope_sums_only_its_own_grids(
    target_street: SmallStreet, client_as: Callable[[str], Client], in_november: None
):
    make_person(target_street.household_b, "钱桂芳", tags=("elder_alone",))
    coverage_snapshots_refresh()

    community = place_scope(target_street.users["community_staff"])
    kept = household_counts_kept(scope=community, start=NOVEMBER.start, end=NOVEMBER.end)
    assert kept is not None
    counts, _counted_at = kept
    live = household_counts(scope=community, start=NOVEMBER.start, end=NOVEMBER.end)
    assert {grid: (c.special, c.special_covered) for grid, c in counts.items()} == {
        grid: (c.special, c.special_covered) for grid, c in live.items()
    }
    assert set(counts) == {target_street.grid_a.pk}, "community 1 holds grid A only"
    assert _coverage(client_as("community_staff")) == ("1/1", "10:00")


def test_a_scope_of_single_buildings_is_counted_live(target_street: SmallStreet, in_november: None):
    coverage_snapshots_refresh()
    empty: frozenset[int] = frozenset()
    buildings = PlaceScope(empty, empty, empty, frozenset({target_street.household_a.building_id}))

    assert household_counts_kept(scope=buildings, start=NOVEMBER.start, end=NOVEMBER.end) is None
    table = TargetTable(buildings, NOVEMBER)
    table.total()
    assert table.households_counted_at is None


def test_the_periodic_job_counts_every_few_minutes(target_street: SmallStreet, in_november: None):
    def due_at(minute: int) -> bool:
        return "coverage_snapshots_every_few_minutes" in {
            task.name for task in HUEY.read_periodic(dt.datetime(2026, 11, 20, 10, minute))
        }

    assert due_at(0) and due_at(REFRESH_MINUTES) and not due_at(1)

    coverage_snapshots_every_few_minutes.call_local()

    assert CoverageSnapshot.objects.count() == 3
    coverage_snapshots_every_few_minutes.call_local()
    assert CoverageSnapshot.objects.count() == 3, "each period keeps one row"

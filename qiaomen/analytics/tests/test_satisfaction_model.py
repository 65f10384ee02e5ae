"""The satisfaction model on built datasets: scores by unit, who counts as the worker, scoping."""

from __future__ import annotations

import pytest

from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.satisfaction import satisfaction_model
from qiaomen.analytics.tests.satisfaction_data import NOVEMBER_2, rated_tickets_make
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db
NOVEMBER = period_parse("2026-11")


def test_two_perfect_ratings_do_not_make_the_best_worker(small_street: SmallStreet) -> None:
    handlers = {name: make_user(name, Role.DEPARTMENT_HANDLER) for name in ("veteran", "newcomer", "slow", "fair")}
    rated_tickets_make(grid=small_street.grid_a, rated=200, satisfied=190, resolver=handlers["veteran"])
    rated_tickets_make(grid=small_street.grid_a, rated=2, satisfied=2, resolver=handlers["newcomer"])
    rated_tickets_make(grid=small_street.grid_b, rated=100, satisfied=60, resolver=handlers["slow"])
    rated_tickets_make(grid=small_street.grid_b, rated=100, satisfied=80, resolver=handlers["fair"])
    model = satisfaction_model(scope=place_scope(small_street.users["street_admin"]), period=NOVEMBER)
    workers = {unit.name: unit for unit in model.levels["worker"].units}
    assert (workers["newcomer"].raw, workers["veteran"].raw) == (1.0, 0.95)
    assert workers["veteran"].rank == 1 and workers["newcomer"].rank == 2
    assert workers["newcomer"].shrunk < workers["veteran"].shrunk
    assert (workers["veteran"].rated, workers["veteran"].satisfied) == (200, 190)
    assert [unit.rank for unit in model.levels["worker"].units] == [1, 2, 3, 4]
    assert model.levels["worker"].prior.mean == model.mean == 332 / 402


def test_scores_by_grid_and_department_count_the_ratings_of_each(small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=10, satisfied=9)
    rated_tickets_make(grid=small_street.grid_a, rated=4, satisfied=1, department="zhujian")
    rated_tickets_make(grid=small_street.grid_b, rated=6, satisfied=3)
    model = satisfaction_model(scope=place_scope(small_street.users["street_admin"]), period=NOVEMBER)
    grids = {unit.name: (unit.rated, unit.satisfied) for unit in model.levels["grid"].units}
    departments = {unit.name: (unit.rated, unit.satisfied) for unit in model.levels["department"].units}
    assert grids == {"和平一网格": (14, 10), "光明一网格": (6, 3)}
    assert departments == {"民政": (16, 12), "住建": (4, 1)}
    assert (model.rated, model.satisfied) == (20, 13)


def test_the_worker_is_whoever_resolved_the_ticket_or_found_it_solved_on_the_spot(
    small_street: SmallStreet,
) -> None:
    handler, worker = small_street.users["dept_handler"], small_street.users["worker_a"]
    rated_tickets_make(grid=small_street.grid_a, rated=3, satisfied=3, resolver=handler)
    rated_tickets_make(grid=small_street.grid_a, rated=2, satisfied=1, resolver=worker, on_spot=True)
    model = satisfaction_model(scope=place_scope(small_street.users["street_admin"]), period=NOVEMBER)
    assert {unit.key: unit.rated for unit in model.levels["worker"].units} == {handler.pk: 3, worker.pk: 2}


def test_only_the_readers_places_period_and_unmerged_tickets_count(small_street: SmallStreet) -> None:
    rated_tickets_make(grid=small_street.grid_a, rated=3, satisfied=2)
    rated_tickets_make(grid=small_street.grid_b, rated=5, satisfied=5)
    rated_tickets_make(grid=small_street.grid_a, rated=7, satisfied=7, created_at=NOVEMBER_2.replace(month=10))
    merged = rated_tickets_make(grid=small_street.grid_a, rated=1, satisfied=1)[0]
    Ticket.objects.filter(pk=merged.pk).update(status=Status.MERGED)
    community_staff = satisfaction_model(scope=place_scope(small_street.users["community_staff"]), period=NOVEMBER)
    assert (community_staff.rated, community_staff.satisfied) == (3, 2)
    assert [unit.name for unit in community_staff.levels["grid"].units] == ["和平一网格"]
    nobody = satisfaction_model(scope=place_scope(small_street.users["auditor"]), period=NOVEMBER)
    assert nobody.rated == 0 and nobody.mean is None and nobody.suggestions == []

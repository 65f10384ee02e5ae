"""The command centre's bench (bench/command_*.py) at a tiny size, so that it cannot rot: its data
generator makes a consistent street that the figures read, and its printer puts every figure
beside its ceiling. No wall-clock time is asserted."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import period_days
from qiaomen.analytics.targets import TARGETS, target_total
from qiaomen.registry.models import Household
from qiaomen.testing import sign_in
from qiaomen.tickets.models import OPEN_STATUSES, Status, Ticket, TicketEvent
from qiaomen.visits.models import Visit

BENCH = Path(__file__).resolve().parents[2] / "bench"
HOUSEHOLDS, VISITS, TICKETS = 50, 600, 150

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench() -> Iterator[dict[str, ModuleType]]:
    """The bench modules, imported as the scripts import each other (bench/ on the path)."""
    sys.path.insert(0, str(BENCH))
    try:
        import command_centre
        import command_data

        yield {"data": command_data, "centre": command_centre}
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def street(bench: dict[str, ModuleType]) -> dict[str, int]:
    data = bench["data"]
    sizes = data.Sizes(households=HOUSEHOLDS, visits=VISITS, tickets=TICKETS, seed=3)
    counts: dict[str, int] = data.street_build(sizes)
    return counts


def test_the_bench_street_has_the_sizes_asked_for(street: dict[str, int]) -> None:
    assert Household.objects.count() == HOUSEHOLDS == street["households"]
    assert Visit.objects.count() == VISITS == street["visits"]
    assert Ticket.objects.count() == TICKETS == street["tickets"]
    assert TicketEvent.objects.count() == street["ticket_events"] > TICKETS


def test_visits_are_in_the_households_grid_by_its_worker_within_the_last_year(street: dict[str, int]) -> None:
    now = timezone.now()
    assert not Visit.objects.exclude(grid_id=F("household__building__grid_id")).exists()
    assigned = set(PlaceAssignment.objects.filter(grid__isnull=False).values_list("user_id", "grid_id"))
    assert set(Visit.objects.values_list("worker_id", "grid_id")) <= assigned
    assert not Visit.objects.filter(visited_at__gt=now).exists()
    assert not Visit.objects.filter(visited_at__lt=now - dt.timedelta(days=366)).exists()
    assert Visit.objects.first().answers is not None  # type: ignore[union-attr]  # sealed to its row, opens


def _in_order(*moments: dt.datetime | None) -> bool:
    known = [moment for moment in moments if moment is not None]
    return known == sorted(known)


def test_tickets_follow_the_rules_of_their_states(street: dict[str, int]) -> None:
    for ticket in Ticket.objects.select_related("household__building", "subcategory"):
        assert ticket.household is not None
        assert ticket.grid_id == ticket.household.building.grid_id
        assert ticket.department_id == ticket.subcategory.department_id or ticket.transfer_count == 1
        # After a reopen the second acceptance may follow the first start: accepted_at moves on.
        assert _in_order(ticket.created_at, ticket.first_accepted_at, ticket.accepted_at)
        assert _in_order(ticket.first_accepted_at, ticket.started_at, ticket.resolved_at, ticket.closed_at)
        assert (ticket.closed_at is not None) == (ticket.status == Status.CLOSED)
        assert ticket.status not in (Status.RESOLVED, Status.CLOSED) or ticket.resolved_at is not None
        assert (ticket.rating is None) == (ticket.rated_at is None)
        assert (ticket.reopen_count == 1) == (ticket.rating is not None and ticket.rating <= 2)
        on_spot = ticket.status == Status.CLOSED and ticket.resolved_at == ticket.closed_at == ticket.created_at
        assert on_spot or not ticket.resolved_on_spot
        assert ticket.status in OPEN_STATUSES or ticket.escalate_after is None
        if ticket.repeat_of_id is not None:
            earlier = Ticket.objects.get(pk=ticket.repeat_of_id)
            assert (earlier.household_id, earlier.subcategory_id) == (ticket.household_id, ticket.subcategory_id)
            assert dt.timedelta(0) <= ticket.created_at - earlier.created_at <= dt.timedelta(days=90)


def test_each_tickets_timeline_starts_with_its_creation_and_ends_in_its_state(street: dict[str, int]) -> None:
    timelines: dict[int, list[tuple[str, str, dt.datetime]]] = {}
    for ticket_id, action, new_status, at in TicketEvent.objects.order_by("ticket_id", "at", "pk").values_list(
        "ticket_id", "action", "new_status", "at"
    ):
        timelines.setdefault(ticket_id, []).append((action, new_status, at))
    for pk, status, created_at in Ticket.objects.values_list("pk", "status", "created_at"):
        timeline = timelines[pk]
        assert timeline[0][0] == "create" and timeline[0][2] == created_at
        assert timeline[-1][1] == status


def test_the_figures_count_every_ticket_of_the_year(street: dict[str, int]) -> None:
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    total = target_total(scope=place_scope(admin), period=period_days(today - dt.timedelta(days=365), today))
    assert total.figures["on_spot_rate"].denominator == TICKETS
    assert all(total.figures[target.code].value is not None for target in TARGETS)


def test_the_printer_puts_each_figure_beside_its_ceiling(bench: dict[str, ModuleType], street: dict[str, int]) -> None:
    centre = bench["centre"]
    client = sign_in(Client(), User.objects.get(username="admin"))
    today = timezone.localdate()
    street_id = Household.objects.values_list("building__grid__community__street_id", flat=True)[0]
    paints = centre.first_paints(client, today=today, runs=1)
    drills, slowest = centre.drill_downs(client, today=today, street_id=street_id, spans=("month",), runs=1)
    timings: list[Any] = [*paints, *drills]
    assert [timing.label.split()[:2] for timing in paints] == [
        [page, span] for page in ("/command/", "trends") for span in ("month", "quarter", "year")
    ]
    assert len(drills) == len(TARGETS) * 2  # street and community level
    assert set(slowest) == {"target", "period", "level", "key"}
    for timing in timings:
        line = centre.timing_line(timing)
        assert timing.label in line and f"< {timing.ceiling_ms:.0f} ms" in line
        assert ": within " in line or ": OVER " in line
        assert "CPU p50" in line

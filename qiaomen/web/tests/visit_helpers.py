"""What the visit page tests share: a fixed clock, and visits and pauses made through the services.

Import the clock into a test module with `from qiaomen.web.tests.visit_helpers import visits_clock`
and `pytestmark = pytest.mark.usefixtures("visits_clock")`: it starts before small_street, so the
street, its households and the signed-in sessions all live at NOW.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import timezone

from qiaomen.places.models import Community, Grid
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.models import Outcome, Visit, VisitPause
from qiaomen.visits.recording import DemandInput
from qiaomen.visits.services import visit_pause_create

NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # Monday 16 November 2026, 10:00 in Shanghai
MET_ANSWERS = {"health": "良好", "safety": "安全"}


@pytest.fixture
def visits_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def record_visit(
    street: SmallStreet,
    household: Household,
    *,
    outcome: str = Outcome.MET,
    at: dt.datetime = NOW - dt.timedelta(hours=1),
    worker: str = "worker_a",
    demands: tuple[str, ...] = (),
    lat: float | None = None,
    lng: float | None = None,
) -> Visit:
    """A visit recorded by the service, as the phone would have sent it."""
    visit, _ = visit_record_with_tickets(
        worker=street.users[worker],
        household=household,
        client_uuid=uuid.uuid4(),
        visited_at=at,
        outcome=outcome,
        answers=MET_ANSWERS if outcome == Outcome.MET else {},
        refused_reason="不方便" if outcome == Outcome.REFUSED else "",
        demands=[DemandInput(text) for text in demands],
        lat=lat,
        lng=lng,
    )
    return visit


def pause_visits(
    street: SmallStreet,
    *places: Community | Grid,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    reason: str = "台风",
) -> VisitPause:
    """The street admin pauses visits in these communities and grids, for today unless told."""
    starts_on = starts_on or timezone.localdate()
    return visit_pause_create(
        user=street.users["street_admin"],
        communities=[place for place in places if isinstance(place, Community)],
        grids=[place for place in places if isinstance(place, Grid)],
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        reason=reason,
    )

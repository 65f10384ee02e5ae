"""A small street with demands placed on its buildings, for the heat map and the wall screen.

In November 2026: building A (grid A) 3 meal demands and 1 safety hazard (P1, escalated);
building A2 (grid A, 150 m away) 1 repair; building A3 (grid A, no coordinates) 1 meal; grid A
1 parking demand with no household; building B (grid B) 3 rubbish demands, one merged into
another (2 count). In October: 1 meal demand in building B, never taken, so escalated. So November counts 9 tickets:
grid A 7, grid B 2; buildings A 4, A2 1, A3 1 (unlocated), B 2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine

from qiaomen.analytics.periods import period_parse
from qiaomen.places.models import Building
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_building, make_household
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create
from qiaomen.tickets.services.escalation import escalation_sweep
from qiaomen.tickets.services.merges import ticket_merge

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
NOVEMBER = period_parse("2026-11")
OCTOBER = period_parse("2026-10")
# The words of every demand: private, never on a map or a screen.
DESCRIPTION = "王阿姨家楼道灯坏了请尽快修"


@dataclass
class HeatStreet:
    street: SmallStreet
    building_a2: Building
    building_a3: Building  # no coordinates
    household_a2: Household
    household_a3: Household
    hazard: Ticket  # the P1 of building A


def demand(street: SmallStreet, code: str, household: Household | None, *, grid: str = "a") -> Ticket:
    return ticket_create(
        channel=Channel.STAFF,
        description=DESCRIPTION,
        subcategory=Subcategory.objects.get(code=code),
        household=household,
        grid=None if household is not None else getattr(street, f"grid_{grid}"),
        created_by=street.users["street_admin"],
    )


def make_heat_street(street: SmallStreet) -> HeatStreet:
    building_a2 = make_building(street.grid_a, 3, lat=31.2013, lng=121.4)
    building_a3 = make_building(street.grid_a, 4)
    Building.objects.filter(pk=building_a3.pk).update(lat=None, lng=None)
    household_a2 = make_household(building_a2, "301")
    household_a3 = make_household(building_a3, "401")
    with time_machine.travel(T0 - dt.timedelta(days=10), tick=False):
        demand(street, "LIF-MEAL", street.household_b)
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            demand(street, "LIF-MEAL", street.household_a)
        hazard = demand(street, "EMG-SAFE", street.household_a)
        demand(street, "LIF-FAC", household_a2)
        demand(street, "LIF-MEAL", household_a3)
        demand(street, "LIF-PARK", None)
        rubbish = [demand(street, "LIF-ENV", street.household_b) for _ in range(3)]
        ticket_merge(duplicate=rubbish[2], into=rubbish[0], user=street.users["street_admin"])
    # An hour on, nobody has taken the hazard (P1, 30 minutes to accept): the sweep escalates
    # it, and it alone (the others have two hours).
    escalation_sweep(now=T0 + dt.timedelta(hours=1))
    hazard.refresh_from_db()
    return HeatStreet(street, building_a2, building_a3, household_a2, household_a3, hazard)

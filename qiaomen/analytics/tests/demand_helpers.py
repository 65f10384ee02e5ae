"""Demands made through the intake service at a given moment, for the analysis tests."""

from __future__ import annotations

import datetime as dt

import time_machine

from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create


def demand(street: SmallStreet, code: str, at: dt.datetime, household: Household | None = None) -> Ticket:
    """A staff-entered demand of sub-category `code` for `household` (grid A's by default)."""
    household = household or street.household_a
    worker = "worker_a" if household.building.grid_id == street.grid_a.pk else "worker_b"
    with time_machine.travel(at, tick=False):
        return ticket_create(
            channel=Channel.STAFF,
            description="诉求",
            subcategory=Subcategory.objects.get(code=code),
            household=household,
            created_by=street.users[worker],
        )

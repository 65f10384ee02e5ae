"""What the ticket page tests share: tickets made through the service, in grid A or grid B."""

from __future__ import annotations

from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create


def make_ticket(
    street: SmallStreet, *, code: str = "LIF-MEAL", grid_b: bool = False, priority: str | None = None
) -> Ticket:
    """A staff-entered ticket for grid A's (or grid B's) household; LIF-MEAL goes to 民政, the
    department of small_street's handler."""
    household = street.household_b if grid_b else street.household_a
    return ticket_create(
        channel=Channel.STAFF,
        description="老人需要助餐",
        subcategory=Subcategory.objects.get(code=code),
        household=household,
        priority=priority,
        created_by=street.users["worker_b" if grid_b else "worker_a"],
    )

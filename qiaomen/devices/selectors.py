"""Reads of the emergencies area: the progress of an activated plan, for the command centre."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from qiaomen.devices.models import CheckOutcome, HouseholdCheck, PlanActivation
from qiaomen.devices.models.devices import Device
from qiaomen.tickets.models import OPEN_STATUSES, Ticket


@dataclass(frozen=True)
class CheckProgress:
    community_id: int | None  # None: the whole activation
    community_name: str
    households: int
    checked: int
    special: int
    special_checked: int
    needs_help: int

    @property
    def share(self) -> float | None:
        """Checked ÷ households; None when the area has no household to check."""
        return self.checked / self.households if self.households else None


def activation_progress(*, activation: PlanActivation) -> list[CheckProgress]:
    """Per community of the activation (by name), then the total as the last row. One query."""
    rows = (
        HouseholdCheck.objects.filter(activation=activation)
        .values("community_id", "community__name")
        .annotate(
            households=Count("pk"),
            checked=Count("pk", filter=Q(checked_at__isnull=False)),
            special_total=Count("pk", filter=Q(special=True)),
            special_checked=Count("pk", filter=Q(special=True, checked_at__isnull=False)),
            needs_help=Count("pk", filter=Q(outcome=CheckOutcome.NEEDS_HELP)),
        )
        .order_by("community__name")
    )
    progress = [
        CheckProgress(
            community_id=row["community_id"],
            community_name=row["community__name"],
            households=row["households"],
            checked=row["checked"],
            special=row["special_total"],
            special_checked=row["special_checked"],
            needs_help=row["needs_help"],
        )
        for row in rows
    ]
    total = CheckProgress(
        community_id=None,
        community_name="",
        households=sum(row.households for row in progress),
        checked=sum(row.checked for row in progress),
        special=sum(row.special for row in progress),
        special_checked=sum(row.special_checked for row in progress),
        needs_help=sum(row.needs_help for row in progress),
    )
    return [*progress, total]


def device_open_tickets(device: Device) -> QuerySet[Ticket]:
    """The open tickets a device's events opened or joined, and its offline ticket, most urgent
    first (the caller found the device through device_for_user)."""
    linked = Q(device_events__device=device) | Q(pk__in=[pk for pk in (device.offline_ticket_id,) if pk])
    return (
        Ticket.objects.filter(linked, status__in=OPEN_STATUSES)
        .select_related("subcategory")
        .distinct()
        .order_by("priority", "-created_at")
    )

"""Reads of the emergencies area: the progress of an activated plan, and the activations in force
in a place scope with their progress there, for the command centre and the wall screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.devices.models import ActivationStatus, CheckOutcome, HouseholdCheck, PlanActivation
from qiaomen.devices.models.devices import Device
from qiaomen.devices.scope import activations_in_scope
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


def _check_counts() -> dict[str, Any]:
    """The counts of a group of check rows, as `annotate` takes them."""
    return {
        "households": Count("pk"),
        "checked": Count("pk", filter=Q(checked_at__isnull=False)),
        "special_total": Count("pk", filter=Q(special=True)),
        "special_checked": Count("pk", filter=Q(special=True, checked_at__isnull=False)),
        "needs_help": Count("pk", filter=Q(outcome=CheckOutcome.NEEDS_HELP)),
    }


def _progress(row: Mapping[str, Any], *, community_id: int | None, community_name: str) -> CheckProgress:
    """A row of `_check_counts` as a CheckProgress."""
    return CheckProgress(
        community_id=community_id,
        community_name=community_name,
        households=row["households"],
        checked=row["checked"],
        special=row["special_total"],
        special_checked=row["special_checked"],
        needs_help=row["needs_help"],
    )


def activation_progress(*, activation: PlanActivation) -> list[CheckProgress]:
    """Per community of the activation (by name), then the total as the last row. One query."""
    rows = (
        HouseholdCheck.objects.filter(activation=activation)
        .values("community_id", "community__name")
        .annotate(**_check_counts())
        .order_by("community__name")
    )
    progress = [_progress(row, community_id=row["community_id"], community_name=row["community__name"]) for row in rows]
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


@dataclass(frozen=True)
class ActivationInProgress:
    pk: int
    title: str
    area: str  # the grid's, the community's or the street's name: the narrowest of the activation
    started_at: dt.datetime
    progress: CheckProgress  # of the check rows within the scope's grids only


def activations_in_progress(*, scope: PlaceScope) -> list[ActivationInProgress]:
    """The activations in force reaching these places, newest first, each with the progress of its
    check list in these places (a community's staff count their own households of a street-wide
    activation). Two queries whatever the number of activations."""
    activations = list(
        activations_in_scope(scope)
        .filter(status=ActivationStatus.ACTIVE)
        .select_related("plan", "street", "community", "grid")
        .order_by("-started_at", "-pk")
    )
    if not activations:
        return []
    rows = (
        HouseholdCheck.objects.filter(
            activation_id__in=[a.pk for a in activations], grid_id__in=sorted(scope.all_grid_ids)
        )
        .values("activation_id")
        .annotate(**_check_counts())
        .order_by("activation_id")
    )
    counts: dict[int, Mapping[str, Any]] = {row["activation_id"]: row for row in rows}
    empty = {"households": 0, "checked": 0, "special_total": 0, "special_checked": 0, "needs_help": 0}
    found = []
    for activation in activations:
        row = counts.get(activation.pk, empty)
        area = activation.grid or activation.community or activation.street
        progress = _progress(row, community_id=None, community_name="")
        found.append(
            ActivationInProgress(
                pk=activation.pk,
                title=activation.plan.title,
                area=area.name,
                started_at=activation.started_at,
                progress=progress,
            )
        )
    return found


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

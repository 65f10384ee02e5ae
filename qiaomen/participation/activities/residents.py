"""What a household's QR page shows of activities: only titles, kinds, places and times, never
another household or a count of who signed up. A cancelled activity is open to nobody; the
household's own sign-up to it stays on the list, shown as cancelled."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet

from qiaomen.participation.models.activities import Activity, ActivityStatus, SignUp
from qiaomen.registry.models import Household


def activities_open_to(household: Household, *, now: dt.datetime) -> QuerySet[Activity]:
    """Activities of the household's community not started yet, not cancelled, with a place left."""
    return (
        Activity.objects.filter(
            community_id=household.building.grid.community_id,
            status=ActivityStatus.SCHEDULED,
            starts_at__gt=now,
            signed_up__lt=F("capacity"),
        )
        .exclude(signups__household=household)
        .select_related("building")
        .order_by("starts_at", "pk")
    )


def household_signups(household: Household, *, now: dt.datetime) -> QuerySet[SignUp]:
    """The household's own sign-ups for activities that have not ended (cancelled ones too)."""
    return (
        SignUp.objects.filter(household=household, activity__ends_at__gt=now)
        .select_related("activity__building")
        .order_by("activity__starts_at")
    )

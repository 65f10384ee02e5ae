"""The work list a phone carries for days without signal: the households due now, then those
that fall due within the days ahead (a selector beside visits.selectors.work_list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from qiaomen.registry.models import Household
from qiaomen.visits.selectors import DueHousehold, work_list


@dataclass(frozen=True)
class AheadItem:
    due: DueHousehold
    later: bool  # not due now: falls due within the days ahead


def work_list_ahead(households: QuerySet[Household], *, now: dt.datetime, days: int = 7) -> list[AheadItem]:
    """Those due now in their walking order, then those due by `days` from now that are not due
    yet, in the walking order of that later list."""
    due_now = work_list(households, now=now).items
    listed = {item.household.pk for item in due_now}
    later = work_list(households, now=now + dt.timedelta(days=days)).items
    return [AheadItem(item, False) for item in due_now] + [
        AheadItem(item, True) for item in later if item.household.pk not in listed
    ]

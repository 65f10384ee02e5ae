"""Reads of rights requests: scoped by the household's place, open ones first by deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.models import TransitionEvent
from qiaomen.registry.models import RIGHTS_OPEN_STATUSES, RightsRequest

# Who handles residents' rights requests: the staff who keep the people's files.
HANDLE_RIGHTS = Capability.EDIT_REGISTRY


def rights_requests_for_user(user: User) -> QuerySet[RightsRequest]:
    if not user.can(HANDLE_RIGHTS):
        return RightsRequest.objects.none()
    return RightsRequest.objects.filter(place_scope(user).building_q("household__building__"))


def rights_request_for_user(user: User, pk: int) -> RightsRequest:
    found = (
        rights_requests_for_user(user)
        .select_related("household__building", "person", "received_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class RightsRow:
    request: RightsRequest
    overdue: bool

    @property
    def open(self) -> bool:
        return self.request.status in RIGHTS_OPEN_STATUSES


def rights_request_rows(user: User, *, now: dt.datetime) -> list[RightsRow]:
    """Open requests first, the most overdue on top; then the closed ones, newest first."""
    requests = (
        rights_requests_for_user(user)
        .select_related("household__building", "person")
        .annotate(
            closed=Case(
                When(status__in=RIGHTS_OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed", "due_at", "pk")
    )
    return [RightsRow(request=row, overdue=rights_request_overdue(row, now=now)) for row in requests]


def rights_request_overdue(rights_request: RightsRequest, *, now: dt.datetime) -> bool:
    """Still open past its deadline (15 working days after it was received)."""
    return rights_request.status in RIGHTS_OPEN_STATUSES and rights_request.due_at < now


def rights_request_history(rights_request: RightsRequest) -> QuerySet[TransitionEvent]:
    return TransitionEvent.objects.filter(
        object_type=RightsRequest._meta.label_lower, object_id=str(rights_request.pk)
    ).select_related("actor")


def rights_request_exported(rights_request: RightsRequest) -> bool:
    return rights_request_history(rights_request).filter(action="export").exists()

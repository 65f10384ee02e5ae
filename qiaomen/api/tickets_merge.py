"""Similar open demands and merging a duplicate (issue 5, item 5).

`GET /tickets/{id}/similar` lists the open tickets that may be the same demand (same sub-category,
same building or grid, alike text; tickets.similar), only those the caller may see.
`POST /tickets/{id}/merge` folds that ticket into another one (tickets.merge): of two merges at
once one wins, the other gets 409 `ticket_changed`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from qiaomen.accounts.roles import Capability
from qiaomen.api.auth import api_user_with
from qiaomen.api.errors import responses
from qiaomen.api.tickets import TicketOut, _ticket, _ticket_after, _tickets
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.selectors import ticket_for_user
from qiaomen.tickets.services.merges import ticket_merge
from qiaomen.tickets.similar import similar_open_tickets

router = Router(tags=["tickets"])


class SimilarOut(Schema):
    ticket: TicketOut
    similarity: float = Field(ge=0, le=1, description="likeness of the two texts, 0 to 1")
    same_building: bool


class MergeIn(Schema):
    into: int = Field(ge=1, description="the open ticket that carries on")
    reason: str = Field("", max_length=500)


@router.get(
    "/tickets/{int:ticket_id}/similar",
    response=responses(list[SimilarOut], 401, 403, 404, 422),
    url_name="ticket_similar",
)
def ticket_similar(request: HttpRequest, ticket_id: int) -> list[dict[str, Any]]:
    """Open tickets that may be the same demand, most likely first (at most 5)."""
    user = api_user_with(request, Capability.VIEW_TICKETS)
    ticket = ticket_for_user(user, ticket_id)
    found = similar_open_tickets(ticket, user=user)
    # Read again for the masked contact and overdue flag that TicketOut carries, in one query.
    rows = {t.pk: t for t in _tickets(Ticket.objects.filter(pk__in=[s.ticket.pk for s in found]), timezone.now())}
    return [
        {"ticket": _ticket(rows[s.ticket.pk], user), "similarity": s.similarity, "same_building": s.same_building}
        for s in found
    ]


@router.post(
    "/tickets/{int:ticket_id}/merge",
    response=responses(TicketOut, 400, 401, 403, 404, 409, 422),
    url_name="ticket_merge",
)
def ticket_merge_view(request: HttpRequest, ticket_id: int, payload: MergeIn) -> dict[str, Any]:
    """Merge this ticket (the duplicate) into `into`; answers the duplicate, now merged."""
    user = api_user_with(request, Capability.MERGE_TICKETS)
    duplicate = ticket_for_user(user, ticket_id)
    into = ticket_for_user(user, payload.into)
    merged = ticket_merge(duplicate=duplicate, into=into, user=user, reason=payload.reason, request=request)
    return _ticket_after(merged, user)

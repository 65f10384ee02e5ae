"""Merging a duplicate demand into the open ticket that carries on (issue 5, item 5).

What a merge means for the figures: the duplicate was never a demand of its own, it was the same
demand told twice. So a merged ticket is not counted as a ticket at all (analytics.ticket_figures
leaves status MERGED out): not in the totals, not as a repeat, not as a second complaint, not as
overdue. The ticket it was merged into carries the demand, its deadlines and its rating. A
resident who complains again later raises a new ticket, which the repeat rule (same household,
same sub-category, 90 days) links as usual.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qiaomen.core.transitions import claim_transition
from qiaomen.tickets.models import OPEN_STATUSES, Ticket, target_of
from qiaomen.tickets.selectors import tickets_for_user
from qiaomen.tickets.services.notifications import department_handlers, notify
from qiaomen.tickets.services.transitions import ticket_transition
from qiaomen.tickets.similar import building_of

MAX_REASON = 500


def ticket_merge_allowed(user: User) -> bool:
    return user.can(Capability.MERGE_TICKETS)


def merge_order(a: Ticket, b: Ticket) -> tuple[Ticket, Ticket]:
    """(duplicate, into) as a merge is offered for two similar tickets: the newer one folds into
    the older one, which has carried the demand longer."""
    return (a, b) if (a.created_at, a.pk) > (b.created_at, b.pk) else (b, a)


def _same_place(a: Ticket, b: Ticket) -> bool:
    """Same household, same building or same grid: a duplicate is the same demand in one place."""
    if a.household_id is not None and a.household_id == b.household_id:
        return True
    building = building_of(a)
    if building is not None and building == building_of(b):
        return True
    return a.grid_id is not None and a.grid_id == b.grid_id


def _take_in(into: Ticket, duplicate: Ticket, user: User, reason: str, request: HttpRequest | None) -> None:
    """Claim `into` while it is still open, as it was read, without changing its state: a merge
    of `into` itself (or any other change of it) that runs at the same time gets a 409. Its
    timeline and the audit log say what came in."""
    try:
        claim_transition(
            row=into,
            to_state=None,
            action="merge_in",
            actor=user,
            reason=reason,
            detail={"from": duplicate.pk},
            audit_detail={"from": duplicate.pk},
            from_states=OPEN_STATUSES,
            request=request,
        )
    except Conflict:
        # Say why when it is the merge's own reason: `into` was closed or merged meanwhile.
        if not Ticket.objects.filter(pk=into.pk, status__in=OPEN_STATUSES).exists():
            raise Conflict(
                "merge_target_not_open", _("The target ticket is resolved, closed or merged; it cannot be merged into.")
            ) from None
        raise


def ticket_merge(
    *, duplicate: Ticket, into: Ticket, user: User, reason: str = "", request: HttpRequest | None = None
) -> Ticket:
    """Fold `duplicate` into `into`: the duplicate becomes MERGED (terminal, no deadline left) and
    points at `into`, both timelines say so, and `into`'s department is told.

    Both must be visible to the user (404 otherwise, as for any ticket outside their places),
    different, open, in the same household, building or grid, and `into` not merged itself. The
    duplicate is claimed with the conditional update of every transition, so of two merges at
    once exactly one wins and the other gets a 409. The two rows are taken in the order of their
    ids, so two opposite merges (A into B, B into A) at once cannot deadlock: the second finds
    its row changed.
    """
    if not ticket_merge_allowed(user):
        raise Forbidden("merge_not_allowed", _("You are not allowed to merge tickets."))
    if duplicate.pk == into.pk:
        raise InvalidInput("merge_same_ticket", _("A ticket cannot be merged into itself."))
    if tickets_for_user(user).filter(pk__in=[duplicate.pk, into.pk]).count() != 2:
        raise NotFound("not_found", _("Not found."))
    if into.status not in OPEN_STATUSES or into.merged_into_id is not None:
        raise Conflict(
            "merge_target_not_open", _("The target ticket is resolved, closed or merged; it cannot be merged into.")
        )
    if target_of("merge", duplicate.status) is None:
        raise Conflict("merge_not_open", _("This ticket is resolved, closed or merged; it cannot be merged."))
    if not _same_place(duplicate, into):
        raise InvalidInput(
            "merge_different_place", _("Only tickets of the same household, building or grid can be merged.")
        )
    reason = reason.strip()[:MAX_REASON]
    with transaction.atomic():
        if into.pk < duplicate.pk:
            _take_in(into, duplicate, user, reason, request)
        merged = ticket_transition(
            ticket=duplicate,
            action="merge",
            actor=user,
            reason=reason,
            request=request,
            updates={"merged_into": into},
            detail={"into": into.pk},
        )
        if into.pk > duplicate.pk:
            _take_in(into, duplicate, user, reason, request)
        departments = {into.department_id: into.department, duplicate.department_id: duplicate.department}
        for department in departments.values():
            notify(
                department_handlers(department),
                ticket=into,
                text=f"工单 #{duplicate.pk} 与工单 #{into.pk} 是同一诉求，已合并到 #{into.pk}",
            )
    return merged

"""The handlers' side of a ticket: accept, start, transfer, return, resubmit, resolve, priority.

Every change goes through `ticket_transition`, which asks the ticket's action table where the
action leads and hands the claim to core's claim_transition (one transaction, a conditional
UPDATE on status and version, the event and the audit row; a 409 when someone acted first).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Capability, Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.tickets.deadlines import next_check
from qiaomen.tickets.models import ACTIONS, Priority, Ticket
from qiaomen.tickets.selectors import deadlines_for
from qiaomen.tickets.services.notifications import department_handlers, grid_workers, notify
from qiaomen.tickets.services.rating_links import rating_link_issue

MAX_REASON = 500
MAX_RESOLUTION_NOTE = 2000


def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    actor: User | None,
    reason: str = "",
    updates: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Ticket:
    """A ticket action that changes its status (also used by intake, merges and confirmations).
    The next check of the escalation sweep follows the state the ticket reaches."""
    sources, target = ACTIONS[action]
    values: dict[str, Any] = dict(updates or {})
    values["escalate_after"] = next_check(
        status=target,
        accept_by=values.get("accept_by", ticket.accept_by),
        start_by=values.get("start_by", ticket.start_by),
        resolve_by=values.get("resolve_by", ticket.resolve_by),
    )
    return claim_transition(
        row=ticket,
        to_state=target,
        action=action,
        actor=actor,
        reason=reason,
        changes=values,
        detail=detail,
        from_states=sources,
        request=request,
    )


def require_handler(ticket: Ticket, user: User) -> None:
    if user.role == Role.STREET_ADMIN:
        return
    if user.role != Role.DEPARTMENT_HANDLER or user.department_id != ticket.department_id:
        raise Forbidden("not_ticket_handler", _("Only staff of the responsible department can handle this ticket."))


def require_place_worker(ticket: Ticket, user: User) -> None:
    """The grid worker (or community staff) of the ticket's place: the people at the door, who
    confirm a result and add what a department asked for when it returned a ticket."""
    in_place = ticket.grid_id is not None and ticket.grid_id in place_scope(user).all_grid_ids
    if not user.can(Capability.CONFIRM_TICKETS) or not in_place:
        raise Forbidden(
            "not_ticket_confirmer", _("Only the ticket's grid worker or community staff can confirm the result.")
        )


def reason_clean(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("reason_required", _("Please give a reason."))
    return reason[:MAX_REASON]


def ticket_accept(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> Ticket:
    require_handler(ticket, user)
    now = timezone.now()
    return ticket_transition(
        ticket=ticket,
        action="accept",
        actor=user,
        request=request,
        updates={"handler": user, "accepted_at": now, "first_accepted_at": ticket.first_accepted_at or now},
    )


def ticket_start(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> Ticket:
    require_handler(ticket, user)
    return ticket_transition(
        ticket=ticket, action="start", actor=user, request=request, updates={"started_at": timezone.now()}
    )


def ticket_transfer(
    *, ticket: Ticket, user: User, department: Department, reason: str, request: HttpRequest | None = None
) -> Ticket:
    """Hand the ticket to the right department (a wrong routing). The new department gets its
    own two hours to accept; the resident's resolution deadline does not restart."""
    require_handler(ticket, user)
    reason = reason_clean(reason)
    if department.pk == ticket.department_id:
        # The ticket's state, not the request, is what refuses it: a valid department code (409).
        raise Conflict("transfer_same_department", _("A ticket cannot be transferred to its own department."))
    now = timezone.now()
    accept_by = deadlines_for(routed_at=now, priority=ticket.priority).accept_by
    ticket = ticket_transition(
        ticket=ticket,
        action="transfer",
        actor=user,
        reason=reason,
        request=request,
        updates={
            "department": department,
            "handler": None,
            "transfer_count": F("transfer_count") + 1,
            "routed_at": now,
            "accept_by": accept_by,
        },
        detail={"from": ticket.department.code, "to": department.code},
    )
    notify(department_handlers(department), ticket=ticket, text=f"转来工单 #{ticket.pk}：{reason[:80]}")
    return ticket


def ticket_return(*, ticket: Ticket, user: User, reason: str, request: HttpRequest | None = None) -> Ticket:
    """Back to whoever raised it, for more information."""
    require_handler(ticket, user)
    ticket = ticket_transition(
        ticket=ticket,
        action="return",
        actor=user,
        reason=reason_clean(reason),
        request=request,
        updates={"handler": None},
    )
    notify(grid_workers(ticket.grid_id), ticket=ticket, text=f"工单 #{ticket.pk} 被退回补充信息：{reason[:80]}")
    return ticket


def ticket_resubmit(*, ticket: Ticket, user: User, addition: str, request: HttpRequest | None = None) -> Ticket:
    """The place's grid worker or community staff add what the department asked for and send
    the returned ticket back to it."""
    require_place_worker(ticket, user)
    addition = reason_clean(addition)
    ticket = ticket_transition(
        ticket=ticket,
        action="route",
        actor=user,
        reason=addition,
        request=request,
        updates={"description": f"{ticket.description}\n【补充】{addition}", "routed_at": timezone.now()},
    )
    notify(department_handlers(ticket.department), ticket=ticket, text=f"工单 #{ticket.pk} 已补充信息")
    return ticket


def ticket_resolve(*, ticket: Ticket, user: User, note: str, request: HttpRequest | None = None) -> tuple[Ticket, str]:
    """Resolve with a note; returns the ticket and the resident's one-time rating token."""
    require_handler(ticket, user)
    note = note.strip()
    if not note:
        raise InvalidInput("resolution_note_required", _("Please describe the result."))
    ticket = ticket_transition(
        ticket=ticket,
        action="resolve",
        actor=user,
        request=request,
        updates={"resolved_at": timezone.now(), "resolution_note": note[:MAX_RESOLUTION_NOTE]},
    )
    token = rating_link_issue(ticket=ticket)
    notify(grid_workers(ticket.grid_id), ticket=ticket, text=f"工单 #{ticket.pk} 已办结，请上门确认结果")
    return ticket, token


def ticket_change_priority(
    *, ticket: Ticket, user: User, priority: str, reason: str, request: HttpRequest | None = None
) -> Ticket:
    """The only moment deadlines are recomputed: from the routing time, for the new priority."""
    if priority not in Priority.values:
        raise InvalidInput("priority_invalid", _("Invalid priority."))
    if user.role not in (Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.DEPARTMENT_HANDLER):
        raise Forbidden("priority_not_allowed", _("You are not allowed to change the priority."))
    reason = reason_clean(reason)
    deadlines = deadlines_for(routed_at=ticket.routed_at or ticket.created_at, priority=priority)
    return claim_transition(
        row=ticket,
        to_state=None,
        action="priority",
        actor=user,
        reason=reason,
        changes={"priority": priority, **deadlines.columns(status=ticket.status)},
        detail={"from": ticket.priority, "to": priority},
        request=request,
    )

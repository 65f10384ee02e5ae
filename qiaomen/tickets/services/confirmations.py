"""The triple confirmation (R-TIC-6): the department resolves, the grid worker confirms at the
door, the resident rates; then the ticket closes. Supervisors spot-check a sample."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.transitions import claim_transition
from qiaomen.tickets.deadlines import ACCEPT_WITHIN
from qiaomen.tickets.models import SpotCheck, SpotCheckResult, Status, Ticket
from qiaomen.tickets.selectors import ticket_rated_since_resolution
from qiaomen.tickets.services.notifications import department_handlers, notify
from qiaomen.tickets.services.rating_links import rating_link_issue, rating_link_open
from qiaomen.tickets.services.transitions import MAX_REASON, require_place_worker, ticket_transition

# After this long without a rating, a confirmed ticket closes as "not rated".
RATING_WAIT = dt.timedelta(days=7)


def ticket_confirm(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> Ticket:
    """The grid worker (or community staff) of the ticket's place confirms the result."""
    require_place_worker(ticket, user)
    if ticket.worker_confirmed_at is not None:
        raise Conflict("already_confirmed", _("This ticket has already been confirmed."))
    ticket = claim_transition(
        row=ticket,
        to_state=None,
        action="confirm",
        actor=user,
        changes={"worker_confirmed_by": user, "worker_confirmed_at": timezone.now()},
        from_states={Status.RESOLVED},
        request=request,
    )
    return ticket_close_if_complete(ticket=ticket)


def rating_link_for_resident(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> str:
    """A fresh one-time rating link for the worker to hand over at the door (as a QR code on the
    phone): the link issued at resolution is only ever shown once, to whoever resolved it."""
    require_place_worker(ticket, user)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED) or ticket_rated_since_resolution(ticket):
        raise Conflict(
            "rating_not_open",
            _("This ticket cannot be rated now: it is not resolved yet or the resident has rated it."),
        )
    with transaction.atomic():
        token = rating_link_issue(ticket=ticket)
        audit_record(action="ticket.rating_link", actor=user, request=request, obj=ticket)
    return token


def ticket_rate(*, token: str, score: int, comment: str = "", request: HttpRequest | None = None) -> Ticket:
    """The resident's rating through the one-time link. 2 or lower reopens the ticket (a second
    complaint) and always sends it to a supervisor's spot check."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score_invalid", _("Choose a score from 1 to 5."))
    now = timezone.now()
    link = rating_link_open(token, now=now)
    comment = comment.strip()[:MAX_REASON]
    with transaction.atomic():
        if not type(link).objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
            raise Conflict("rating_link_used", _("This rating link has already been used."))
        ticket = link.ticket
        if ticket_rated_since_resolution(ticket):
            # Another link of the same result was used first: one rating per resolution.
            raise Conflict("rating_link_used", _("This ticket has already been rated."))
        ticket = claim_transition(
            row=ticket,
            to_state=None,
            action="rate",
            actor=None,
            reason=comment,
            changes={"rating": score, "rated_at": now},
            detail={"score": score},
            request=request,
            at=now,
        )
        if score <= 2:
            return _reopen_after_low_rating(ticket, comment, now, request)
    return ticket_close_if_complete(ticket=ticket)


def _reopen_after_low_rating(ticket: Ticket, comment: str, now: dt.datetime, request: HttpRequest | None) -> Ticket:
    ticket = ticket_transition(
        ticket=ticket,
        action="reopen",
        actor=None,
        reason=comment or "居民不满意",
        request=request,
        updates={
            "reopen_count": F("reopen_count") + 1,
            "handler": None,
            "worker_confirmed_by": None,
            "worker_confirmed_at": None,
            "resolved_at": None,
            "closed_at": None,
            "routed_at": now,
            "accept_by": now + ACCEPT_WITHIN,
        },
    )
    SpotCheck.objects.get_or_create(ticket=ticket, defaults={"reason": "low_rating", "created_at": now})
    notify(department_handlers(ticket.department), ticket=ticket, text=f"工单 #{ticket.pk} 居民不满意，已重新打开")
    return ticket


def ticket_close_if_complete(*, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """Close once the worker has confirmed and the resident has rated (or had a week to)."""
    now = now or timezone.now()
    if ticket.status != Status.RESOLVED or ticket.worker_confirmed_at is None:
        return ticket
    rated = (
        ticket.rating is not None
        and ticket.rated_at is not None
        and ticket.rated_at >= (ticket.resolved_at or ticket.rated_at)
    )
    waited = ticket.resolved_at is not None and now - ticket.resolved_at >= RATING_WAIT
    if not (rated or waited):
        return ticket
    ticket = ticket_transition(
        ticket=ticket, action="close", actor=None, updates={"closed_at": now}, detail={"rated": rated}
    )
    _sample_for_spot_check(ticket, now)
    return ticket


def _sample_for_spot_check(ticket: Ticket, now: dt.datetime) -> None:
    share = getattr(settings, "SPOT_CHECK_SHARE", 0.10)
    # secrets, not random: which tickets get checked must not be predictable by handlers.
    if secrets.randbelow(10_000) < share * 10_000:
        SpotCheck.objects.get_or_create(ticket=ticket, defaults={"reason": "sample", "created_at": now})


def spot_check_record(*, check: SpotCheck, user: User, result: str, note: str = "") -> SpotCheck:
    """The supervisor's verdict on a sampled ticket. Claimed while still pending, so two
    supervisors checking the same ticket at once record one verdict and the other gets a 409."""
    if user.role != Role.SUPERVISOR:
        raise Forbidden("not_supervisor", _("Only supervisors can spot-check tickets."))
    if result not in (SpotCheckResult.CONFIRMED, SpotCheckResult.FAILED):
        raise InvalidInput("spot_check_result_invalid", _("Choose the spot-check result."))
    note = note.strip()[:1000]
    if result == SpotCheckResult.FAILED and not note:
        raise InvalidInput("spot_check_note_required", _("Explain why the spot check failed."))
    if check.result != SpotCheckResult.PENDING:
        raise Conflict("spot_check_done", _("This ticket has already been spot-checked."))
    return claim_transition(
        row=check,
        to_state=result,
        action="spot_check",
        actor=user,
        reason=note,
        changes={"note": note, "checked_by": user, "checked_at": timezone.now()},
        detail={"result": result},
    )

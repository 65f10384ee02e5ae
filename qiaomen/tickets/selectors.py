"""Reads of tickets, always through the user's department or places."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability, Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.workdays import WorkdayCalendar
from qiaomen.tickets.deadlines import Deadlines, ticket_deadlines
from qiaomen.tickets.models import (
    OPEN_STATUSES,
    PENDING_Q,
    Notification,
    SpotCheck,
    SpotCheckResult,
    Status,
    Subcategory,
    Ticket,
    TicketPhoto,
    WorkdayOverride,
    target_of,
)


def tickets_for_user(user: User) -> QuerySet[Ticket]:
    """Department handlers see their department's tickets; place roles the tickets of their
    places; building chiefs, auditors and users without places see none."""
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.role == Role.DEPARTMENT_HANDLER:
        return Ticket.objects.filter(department_id=user.department_id) if user.department_id else Ticket.objects.none()
    if user.role in (Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.SUPERVISOR):
        scope = place_scope(user)
        if scope.is_empty:
            return Ticket.objects.none()
        return Ticket.objects.filter(grid_id__in=sorted(scope.all_grid_ids))
    return Ticket.objects.none()


def ticket_for_user(user: User, pk: int) -> Ticket:
    ticket = (
        tickets_for_user(user)
        .select_related("subcategory__category", "department", "handler", "household__building", "grid__community")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def ticket_photo_for_user(user: User, pk: int) -> TicketPhoto:
    """A photo of a ticket the user may see (tickets_for_user), else 404: a photo is as private
    as its ticket."""
    photo = TicketPhoto.objects.filter(pk=pk, ticket__in=tickets_for_user(user)).first()
    if photo is None:
        raise Http404
    return photo


def overdue_q(now: dt.datetime) -> Q:
    """Overdue, as the figures count it (analytics.ticket_figures): still open, and either past
    the stored deadline that matters now or already escalated (an escalation moves
    escalate_after on to the next level's deadline, but the ticket stays overdue)."""
    return Q(status__in=OPEN_STATUSES) & (Q(escalation_level__gt=0) | Q(escalate_after__lte=now))


def tickets_by_deadline(tickets: QuerySet[Ticket], *, now: dt.datetime) -> QuerySet[Ticket]:
    """An inbox's order: overdue first, then by the next deadline (escalate_after), the ones
    with nothing pending (resolved, closed) last; the pk keeps pages stable."""
    return tickets.annotate(
        overdue_rank=Case(When(overdue_q(now), then=Value(0)), default=Value(1)),
    ).order_by("overdue_rank", F("escalate_after").asc(nulls_last=True), "pk")


def active_subcategories() -> QuerySet[Subcategory]:
    return Subcategory.objects.filter(retired=False).select_related("category", "department")


def deadlines_for(*, routed_at: dt.datetime, priority: str) -> Deadlines:
    """A ticket's deadlines on the street's calendar, with the configured P1 window
    (settings.TICKET_P1_ESCALATE_MINUTES, 30 by default)."""
    return ticket_deadlines(
        routed_at=routed_at,
        priority=priority,
        calendar=workday_calendar(),
        p1_accept_within=dt.timedelta(minutes=settings.TICKET_P1_ESCALATE_MINUTES),
    )


def workday_calendar() -> WorkdayCalendar:
    overrides = tuple(WorkdayOverride.objects.values_list("date", "is_working_day"))
    return WorkdayCalendar(overrides=overrides)


def inbox_pending(user: User) -> QuerySet[Ticket]:
    """The user's open tickets and the resolved ones waiting for the grid worker's confirmation,
    with what an inbox row shows, in no order."""
    return tickets_for_user(user).filter(PENDING_Q).select_related("subcategory", "department", "grid")


def ticket_inbox(user: User, *, now: dt.datetime) -> QuerySet[Ticket]:
    """The user's inbox (inbox_pending) in an inbox's order (tickets_by_deadline: overdue first,
    then by the next deadline), as one query: for an export. A page of it is read by
    tickets.inbox.inbox_in_order, which does not sort the whole inbox."""
    return tickets_by_deadline(inbox_pending(user), now=now)


def ticket_rated_since_resolution(ticket: Ticket) -> bool:
    """The resident has rated this result already (a reopened and re-resolved ticket may be rated
    again: its new resolution is later than the old rating)."""
    return ticket.rated_at is not None and ticket.resolved_at is not None and ticket.rated_at >= ticket.resolved_at


def ticket_actions(ticket: Ticket, user: User) -> list[str]:
    """The transitions this user may offer on the page: the state machine says which follow the
    current status, the role says whose they are. The services check both again."""
    actions: list[str] = []
    if user.can(Capability.HANDLE_TICKETS) and (
        user.role == Role.STREET_ADMIN or user.department_id == ticket.department_id
    ):
        actions += [a for a in ("accept", "start", "transfer", "return", "resolve") if target_of(a, ticket.status)]
    if user.can(Capability.CONFIRM_TICKETS):
        if ticket.status == Status.RESOLVED and ticket.worker_confirmed_at is None:
            actions.append("confirm")
        if target_of("route", ticket.status) and ticket.status == Status.RETURNED:
            actions.append("resubmit")
        if ticket.status in (Status.RESOLVED, Status.CLOSED) and not ticket_rated_since_resolution(ticket):
            actions.append("rating_link")
    return actions


def notifications_for_user(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def spot_checks_pending(user: User) -> QuerySet[SpotCheck]:
    """The supervisor's queue: pending checks of tickets in their places, low ratings first."""
    return (
        SpotCheck.objects.filter(result=SpotCheckResult.PENDING, ticket__in=tickets_for_user(user))
        .select_related("ticket__subcategory", "ticket__department")
        .order_by(Case(When(reason="low_rating", then=0), default=1), "created_at", "pk")
    )


def spot_check_for_user(user: User, pk: int) -> SpotCheck:
    check = SpotCheck.objects.filter(pk=pk, ticket__in=tickets_for_user(user)).select_related("ticket").first()
    if check is None:
        raise Http404
    return check

"""Reads of tickets, always through the user's department or places."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.tickets.models import Subcategory, Ticket, WorkdayOverride
from qiaomen.tickets.workdays import WorkdayCalendar


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


def active_subcategories() -> QuerySet[Subcategory]:
    return Subcategory.objects.filter(retired=False).select_related("category", "department")


def workday_calendar() -> WorkdayCalendar:
    overrides = tuple(WorkdayOverride.objects.values_list("date", "is_working_day"))
    return WorkdayCalendar(overrides=overrides)


def suggest_subcategory(text: str) -> list[tuple[Subcategory, int]]:
    """Sub-categories whose keywords occur in `text`, best first (the staff entry page's hint;
    the trained classifier replaces it in the residents' issue)."""
    scored = []
    for subcategory in active_subcategories():
        hits = sum(1 for word in subcategory.keywords.split() if word and word in text)
        if hits:
            scored.append((subcategory, hits))
    return sorted(scored, key=lambda pair: (-pair[1], pair[0].code))

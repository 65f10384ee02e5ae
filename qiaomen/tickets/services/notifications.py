"""Who is told about a ticket, and the notifications they read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.tickets.models import Notification, Priority, Subcategory, Ticket


def notify(users: Iterable[User], *, ticket: Ticket | None, text: str) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user=user, ticket=ticket, text=text[:200], created_at=now) for user in users
    )


def department_handlers(department: Department) -> QuerySet[User]:
    return User.objects.filter(role=Role.DEPARTMENT_HANDLER, department=department, is_active=True)


def grid_workers(grid_id: int | None) -> QuerySet[User]:
    if grid_id is None:
        return User.objects.none()
    return User.objects.filter(role=Role.GRID_WORKER, is_active=True, places__grid_id=grid_id)


def community_staff(community_ids: set[int]) -> dict[int, list[User]]:
    """Active community staff by community, each once, in one query over their place assignments."""
    staff: dict[int, list[User]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    assignments = PlaceAssignment.objects.filter(
        community_id__in=community_ids, user__role=Role.COMMUNITY_STAFF, user__is_active=True
    ).select_related("user")
    for assignment in assignments:
        community_id = assignment.community_id  # set on every row, by the filter
        if community_id is None or (community_id, assignment.user_id) in seen:
            continue
        seen.add((community_id, assignment.user_id))
        staff[community_id].append(assignment.user)
    return staff


def ticket_routed_notify(ticket: Ticket, subcategory: Subcategory) -> None:
    """A ticket has reached its department (at creation, or when a person routes or re-routes a
    held one): its handlers are told, and for a P1 the grid's workers too."""
    notify(
        department_handlers(ticket.department),
        ticket=ticket,
        text=f"新工单 #{ticket.pk}（{subcategory.name}，{ticket.get_priority_display()}）",
    )
    if ticket.priority == Priority.P1:
        notify(grid_workers(ticket.grid_id), ticket=ticket, text=f"紧急工单 #{ticket.pk}：{subcategory.name}")


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())

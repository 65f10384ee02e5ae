"""The people who work the demo year: a grid worker in every grid, staff in every community and a
handler in every department, so that the worker and department figures have rows.

The demo users (worker1, worker2, community1, dept_minzheng …) keep their places; the other
posts get accounts without a usable password: nobody logs in as them, they only did the work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.demo.vocabulary import GIVEN_CHARS, SURNAMES, weighted_choice
from qiaomen.places.models import Community, Grid


@dataclass
class Staff:
    grid_workers: dict[int, User] = field(default_factory=dict)  # grid id → its worker
    community_staff: dict[int, User] = field(default_factory=dict)  # community id → its staff
    handlers: dict[int, User] = field(default_factory=dict)  # department id → its handler
    created: int = 0


def _name(rng: random.Random) -> str:
    chars = GIVEN_CHARS[rng.choice("MF")]
    return weighted_choice(rng, SURNAMES) + "".join(rng.choice(chars) for _ in range(rng.choice((1, 2))))


def _existing(role: str) -> list[User]:
    return list(User.objects.filter(role=role, is_active=True).prefetch_related("places").order_by("pk"))


def staff_ensure(*, rng: random.Random) -> Staff:
    """Reuse the staff already placed, make the missing ones (one per grid, community, department)."""
    staff = Staff()
    for user in _existing(Role.GRID_WORKER):
        for place in user.places.all():
            if place.grid_id is not None:
                staff.grid_workers.setdefault(place.grid_id, user)
    for user in _existing(Role.COMMUNITY_STAFF):
        for place in user.places.all():
            if place.community_id is not None:
                staff.community_staff.setdefault(place.community_id, user)
    for user in _existing(Role.DEPARTMENT_HANDLER):
        if user.department_id is not None:
            staff.handlers.setdefault(user.department_id, user)
    unusable = make_password(None)
    now = timezone.now()

    def create(username: str, role: str, number: str, **extra: object) -> User:
        staff.created += 1
        return User.objects.create(
            username=username,
            password=unusable,
            role=role,
            display_name=_name(rng),
            staff_number=number,
            password_changed_at=now,
            **extra,
        )

    for grid in Grid.objects.order_by("code"):
        if grid.pk not in staff.grid_workers:
            user = create(f"gw-{grid.code.lower()}", Role.GRID_WORKER, f"GW-{grid.code}")
            PlaceAssignment.objects.create(user=user, grid=grid)
            staff.grid_workers[grid.pk] = user
    for community in Community.objects.order_by("code"):
        if community.pk not in staff.community_staff:
            user = create(f"cs-{community.code.lower()}", Role.COMMUNITY_STAFF, f"CS-{community.code}")
            PlaceAssignment.objects.create(user=user, community=community)
            staff.community_staff[community.pk] = user
    for department in Department.objects.order_by("code"):
        if department.pk not in staff.handlers:
            user = create(
                f"dh-{department.code}", Role.DEPARTMENT_HANDLER, f"DH-{department.code}", department=department
            )
            staff.handlers[department.pk] = user
    return staff

"""The demo users: one of each role, placed where that role acts, all with one password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import assignment_field
from qiaomen.places.models import Community, Grid, Street


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    duty: str
    place: str  # "street", "community" (the first), "grid1", "grid2" or "" (none)
    department_code: str = ""


DEMO_USERS = (
    DemoUser("admin", Role.STREET_ADMIN, "陈志刚", "街道管理员（指挥中心）", "street"),
    DemoUser("community1", Role.COMMUNITY_STAFF, "林晓燕", "社区工作者", "community"),
    DemoUser("worker1", Role.GRID_WORKER, "王建华", "专职网格员", "grid1"),
    DemoUser("worker2", Role.GRID_WORKER, "刘海涛", "专职网格员", "grid2"),
    DemoUser("dept_minzheng", Role.DEPARTMENT_HANDLER, "赵丽娟", "民政部门经办人", "", department_code="minzheng"),
    DemoUser("supervisor", Role.SUPERVISOR, "孙国栋", "督导考核组", "street"),
    DemoUser("auditor", Role.AUDITOR, "何静", "审计员（只看日志）", ""),
)
DEMO_USERNAMES = tuple(user.username for user in DEMO_USERS)


@dataclass(frozen=True)
class DemoLogin:
    user: DemoUser
    acts_in: str  # the place (or department, or log) the user acts in, by name


def demo_password_generate() -> str:
    """A strong random password for all demo users (120 bits)."""
    return secrets.token_urlsafe(15)


def demo_users_create(*, street: Street, grids: list[Grid], password: str) -> list[DemoLogin]:
    places: dict[str, Street | Community | Grid] = {
        "street": street,
        "community": grids[0].community,
        "grid1": grids[0],
        "grid2": grids[1],
    }
    now = timezone.now()
    # One hash for all: they share the password anyway, and each Argon2 hash costs half a second.
    password_hash = make_password(password)
    logins = []
    for spec in DEMO_USERS:
        department = Department.objects.get(code=spec.department_code) if spec.department_code else None
        user = User.objects.create(
            username=spec.username,
            password=password_hash,
            role=spec.role,
            display_name=spec.display_name,
            department=department,
            password_changed_at=now,
        )
        place = places.get(spec.place)
        if place is not None:
            PlaceAssignment.objects.create(user=user, **{assignment_field(place): place})
        if isinstance(place, Grid):
            acts_in = f"{place.community.name}{place.name}"
        else:
            acts_in = str(place or department or "审计日志")
        logins.append(DemoLogin(spec, acts_in))
    return logins

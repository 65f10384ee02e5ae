"""The demo users: one of each role, placed where that role acts, all with one password. The three
admin duties (三员分立) are three different people, made through the accounts service that
makes an installation's first admins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import ADMIN_DUTY_ROLES, Role
from qiaomen.accounts.scopes import assignment_field
from qiaomen.accounts.services_admins import AdminSeat, admin_duties_bootstrap
from qiaomen.places.models import Building, Community, Grid, Street


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    duty: str
    place: str  # "street", "community" (the first), "grid1", "grid2", "building1" (of grid1) or "" (none)
    staff_number: str  # 工号: one account per person
    department_code: str = ""


DEMO_USERS = (
    DemoUser("admin", Role.STREET_ADMIN, "陈志刚", "街道管理员（指挥中心）", "street", "XF-0001"),
    DemoUser("community1", Role.COMMUNITY_STAFF, "林晓燕", "社区工作者", "community", "XF-0002"),
    DemoUser("worker1", Role.GRID_WORKER, "王建华", "专职网格员", "grid1", "XF-0003"),
    DemoUser("worker2", Role.GRID_WORKER, "刘海涛", "专职网格员", "grid2", "XF-0004"),
    DemoUser("dept_minzheng", Role.DEPARTMENT_HANDLER, "赵丽娟", "民政部门经办人", "", "MZ-0001", "minzheng"),
    # A resident who volunteers in grid1 (linked to their volunteer record by the demo year) and a
    # building chief (楼栋长) who sees the households of one building of grid1 only.
    DemoUser("volunteer1", Role.VOLUNTEER, "志愿者演示账号", "敲门志愿者（服务时长、积分、兑换）", "grid1", "ZY-0001"),
    DemoUser("chief1", Role.BUILDING_CHIEF, "周玉兰", "楼栋长", "building1", "LD-0001"),
    DemoUser("supervisor", Role.SUPERVISOR, "孙国栋", "督导考核组", "street", "XF-0005"),
    DemoUser("sysadmin", Role.SYSTEM_ADMIN, "郑伟", "系统管理员（账号与区域，不看日志）", "street", "XF-0901"),
    DemoUser("secadmin", Role.SECURITY_ADMIN, "吴敏", "安全管理员（角色、解锁、两步验证）", "street", "XF-0902"),
    DemoUser("auditor", Role.AUDITOR, "何静", "审计管理员（只看日志）", "", "XF-0903"),
)
DEMO_USERNAMES = tuple(user.username for user in DEMO_USERS)


@dataclass(frozen=True)
class DemoLogin:
    user: DemoUser
    acts_in: str  # the place (or department, or log) the user acts in, by name


def demo_password_generate() -> str:
    """A strong random password for all demo users (120 bits)."""
    return secrets.token_urlsafe(15)


def _admin_seat(role: str, password: str) -> AdminSeat:
    spec = next(user for user in DEMO_USERS if user.role == role)
    return AdminSeat(spec.username, spec.display_name, spec.staff_number, password)


def demo_users_create(*, street: Street, grids: list[Grid], password: str) -> list[DemoLogin]:
    # The admin duties through the service that makes an installation's first admins: it checks
    # that they are three people and gives the system and security admins the street.
    admin_duties_bootstrap(
        street=street,
        system_admin=_admin_seat(Role.SYSTEM_ADMIN, password),
        security_admin=_admin_seat(Role.SECURITY_ADMIN, password),
        audit_admin=_admin_seat(Role.AUDITOR, password),
    )
    places: dict[str, Street | Community | Grid | Building] = {
        "street": street,
        "community": grids[0].community,
        "grid1": grids[0],
        "grid2": grids[1],
        "building1": grids[0].buildings.order_by("pk").first() or grids[0],
    }
    now = timezone.now()
    # One hash for all: they share the password anyway, and each Argon2 hash costs half a second.
    password_hash = make_password(password)
    logins = []
    for spec in DEMO_USERS:
        place = places.get(spec.place)
        department = Department.objects.get(code=spec.department_code) if spec.department_code else None
        if spec.role not in ADMIN_DUTY_ROLES:
            user = User.objects.create(
                username=spec.username,
                password=password_hash,
                role=spec.role,
                display_name=spec.display_name,
                staff_number=spec.staff_number,
                department=department,
                password_changed_at=now,
            )
            # A volunteer's account is kept in their grid (so its community's staff see it on the
            # user pages); it grants nothing there: the volunteer acts through the volunteer
            # record the demo year links it to (demo/history/volunteers.py).
            if place is not None:
                PlaceAssignment.objects.create(user=user, **{assignment_field(place): place})
        if isinstance(place, Grid):
            acts_in = f"{place.community.name}{place.name}"
        elif isinstance(place, Building):
            acts_in = f"{place.grid.community.name}{place.grid.name} {place.address}"
        else:
            acts_in = str(place or department or "审计日志")
        logins.append(DemoLogin(spec, acts_in))
    return logins

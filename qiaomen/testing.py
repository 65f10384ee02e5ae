"""Builders for tests: a small street with two grids and the personas of GUIDE.md.

Plain functions rather than factories with hidden defaults, so a test shows what it relies on.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from io import StringIO
from itertools import count
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import Place, assignment_field
from qiaomen.core.idnumber import make_id_number, parse_id_number
from qiaomen.places.addresses import address_key, room_label
from qiaomen.places.models import Building, Community, Grid, Street
from qiaomen.registry.identity import id_number_columns, phone_columns
from qiaomen.registry.models import Household, Person, Relationship, Tag

PASSWORD = "Knock-knock-2026"  # noqa: S105 (test personas only)
# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALL = "apt-get install chromium fonts-noto-cjk"
_sequence = count(1)


def require_chromium() -> Path:
    """Fail, never skip, a browser test on a machine without Chromium: a skipped browser test
    reads as green while the pages it covers go unchecked (qiaomen/conftest.py calls this before
    every test marked `browser`)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"browser test: Debian's Chromium is missing at {CHROMIUM}; install it, as root, with: {CHROMIUM_INSTALL}",
            pytrace=False,
        )
    return CHROMIUM


def make_building(grid: Grid, number: int, *, lat: float = 31.2, lng: float = 121.4) -> Building:
    address = f"和平路{grid.pk}号{number}栋"
    return Building.objects.create(
        grid=grid, name=f"{number}栋", address=address, address_key=address_key(address), lat=lat, lng=lng
    )


def make_household(building: Building, room: str, unit: str = "1") -> Household:
    return Household.objects.create(
        building=building, unit=unit, room=room, address_key=address_key(building.address + room_label(unit, room))
    )


def make_person(
    household: Household | None,
    name: str,
    *,
    birth: dt.date = dt.date(1950, 3, 1),
    gender: str = "F",
    phone: str = "",
    relationship: str = Relationship.HEAD,
    tags: tuple[str, ...] = (),
    care_notes: str = "",
) -> Person:
    id_number = parse_id_number(make_id_number("110105", birth, next(_sequence), gender))
    person = Person.objects.create(
        household=household,
        name=name,
        relationship=relationship,
        care_notes=care_notes,
        **id_number_columns(id_number),
        **phone_columns(phone),
    )
    for code in tags:
        person.tags.add(Tag.objects.get(code=code))
    return person


def make_user(
    username: str, role: str, *, places: tuple[Place, ...] = (), department: Department | None = None
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, department=department)
    for place in places:
        PlaceAssignment.objects.create(user=user, **{assignment_field(place): place})
    return user


@dataclass
class SmallStreet:
    """Street 幸福街道: community 1 with grid A, community 2 with grid B; one family in each grid."""

    street: Street
    community_1: Community
    community_2: Community
    grid_a: Grid
    grid_b: Grid
    building_a: Building
    building_b: Building
    household_a: Household
    household_b: Household
    elder_a: Person  # special group (独居老人), grid A
    child_a: Person  # under 14, grid A
    resident_b: Person  # grid B
    users: dict[str, User] = field(default_factory=dict)


def make_small_street() -> SmallStreet:
    street = Street.objects.create(name="幸福街道", code="XF", city="示例市示例区")
    c1 = Community.objects.create(street=street, name="和平社区", code="XF01")
    c2 = Community.objects.create(street=street, name="光明社区", code="XF02")
    grid_a = Grid.objects.create(community=c1, name="和平一网格", code="XF01-01", center_lat=31.2, center_lng=121.4)
    grid_b = Grid.objects.create(community=c2, name="光明一网格", code="XF02-01", center_lat=31.21, center_lng=121.41)
    building_a = make_building(grid_a, 1)
    building_b = make_building(grid_b, 2, lat=31.21, lng=121.41)
    household_a = make_household(building_a, "101")
    household_b = make_household(building_b, "202")
    elder_a = make_person(
        household_a, "王秀英", phone="13800001111", tags=("elder_alone",), care_notes="糖尿病，低糖饮食"
    )
    child_a = make_person(
        household_a, "王小明", birth=dt.date(2018, 6, 1), gender="M", relationship=Relationship.GRANDCHILD
    )
    resident_b = make_person(household_b, "李建国", birth=dt.date(1980, 1, 2), gender="M", phone="13900002222")
    department = Department.objects.get(code="minzheng")
    users = {
        "street_admin": make_user("admin", Role.STREET_ADMIN, places=(street,)),
        "community_staff": make_user("community1", Role.COMMUNITY_STAFF, places=(c1,)),
        "worker_a": make_user("worker1", Role.GRID_WORKER, places=(grid_a,)),
        "worker_b": make_user("worker2", Role.GRID_WORKER, places=(grid_b,)),
        "building_chief": make_user("chief1", Role.BUILDING_CHIEF, places=(building_a,)),
        "dept_handler": make_user("dept_minzheng", Role.DEPARTMENT_HANDLER, department=department),
        "supervisor": make_user("supervisor", Role.SUPERVISOR, places=(street,)),
        "auditor": make_user("auditor", Role.AUDITOR),
        "unassigned": make_user("nobody", Role.GRID_WORKER),
    }
    return SmallStreet(
        street,
        c1,
        c2,
        grid_a,
        grid_b,
        building_a,
        building_b,
        household_a,
        household_b,
        elder_a,
        child_a,
        resident_b,
        users,
    )


def tamper_with_audit_row(entry_id: int) -> None:
    """What a DBA with full rights could do: lift the append-only trigger and edit a row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's session may skip triggers; ALTER TABLE … DISABLE TRIGGER would fail
            # inside a test's transaction that has already written audit rows.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("UPDATE core_auditentry SET action = 'nothing.happened' WHERE id = %s", [entry_id])
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("UPDATE core_auditentry SET action = 'nothing.happened' WHERE id = %s", [entry_id])


def raw_database_bytes() -> bytes:
    """Everything the database holds, as stored: the SQLite file and its WAL, or a pg_dump."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(connection.settings_dict["NAME"])
        assert path.is_file(), f"the test database should be a file, not {path}"
        return b"".join(part.read_bytes() for part in (path, Path(f"{path}-wal")) if part.exists())
    if connection.vendor != "postgresql":
        pytest.skip(f"no raw-data check written for {connection.vendor}")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL test database cannot be dumped")
    db = connection.settings_dict
    command = [pg_dump, "--data-only", "--no-owner", "--dbname", db["NAME"]]
    for option, value in (("--host", db["HOST"]), ("--port", db["PORT"]), ("--username", db["USER"])):
        if value:
            command += [option, str(value)]
    env = {**os.environ, "PGPASSWORD": str(db["PASSWORD"] or "")}
    return subprocess.run(command, check=True, capture_output=True, env=env, timeout=300).stdout  # noqa: S603 (pg_dump, our own arguments)


def database_dumps() -> str:
    """What an operator's dumps of the database hold: `dumpdata` of every app and, on SQLite,
    the SQL dump (`.dump`)."""
    out = StringIO()
    call_command("dumpdata", stdout=out)
    text = out.getvalue()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        text += "\n".join(connection.connection.iterdump())
    return text

"""Builders for tests: a small street with two grids and the personas of GUIDE.md.

Plain functions rather than factories with hidden defaults, so a test shows what it relies on.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from itertools import count
from pathlib import Path
from typing import TypeVar

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import _get_window

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import Place, assignment_field
from qiaomen.accounts.twofactor import totp_device, twofactor_required
from qiaomen.core.idnumber import make_id_number, parse_id_number
from qiaomen.places.addresses import address_key, room_label
from qiaomen.places.models import Building, Community, Grid, Street
from qiaomen.registry.identity import id_number_columns, phone_columns
from qiaomen.registry.models import Household, Person, Relationship, Tag
from qiaomen.tickets.services.visit_demands import visit_record_with_tickets
from qiaomen.visits.models import Outcome

PASSWORD = "Knock-knock-2026"  # noqa: S105 (test personas only)
# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALL = "apt-get install chromium fonts-noto-cjk"
_sequence = count(1)
Result = TypeVar("Result")


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
    username: str,
    role: str,
    *,
    places: tuple[Place, ...] = (),
    department: Department | None = None,
    staff_number: str = "",
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, department=department, staff_number=staff_number
    )
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
        # The three admin duties (三员分立), three people with their staff numbers.
        "system_admin": make_user("sysadmin", Role.SYSTEM_ADMIN, places=(street,), staff_number="XF-9001"),
        "security_admin": make_user("secadmin", Role.SECURITY_ADMIN, places=(street,), staff_number="XF-9002"),
        "auditor": make_user("auditor", Role.AUDITOR, staff_number="XF-9003"),
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
    _past_the_trigger("no_update", "UPDATE core_auditentry SET action = 'nothing.happened' WHERE id = %s", entry_id)


def delete_audit_rows_after(entry_id: int) -> None:
    """The same DBA deleting the newest rows (hole 5)."""
    _past_the_trigger("no_delete", "DELETE FROM core_auditentry WHERE id > %s", entry_id)


def _past_the_trigger(sqlite_trigger: str, sql: str, entry_id: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's session may skip triggers; ALTER TABLE … DISABLE TRIGGER would fail
            # inside a test's transaction that has already written audit rows.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, [entry_id])
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute(f"DROP TRIGGER core_auditentry_{sqlite_trigger}")
            cursor.execute(sql, [entry_id])


# Migration tests (transactional): move the database to some migrations and back to the latest.
MigrationTargets = list[tuple[str, str | None]]


def migrate_to(targets: MigrationTargets) -> MigrationExecutor:
    """Migrate to `targets`; the executor returned knows what is applied now."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def latest_migrations() -> MigrationTargets:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


@contextmanager
def migrated_back(targets: MigrationTargets) -> Iterator[MigrationExecutor]:
    """The database at `targets` inside the block, and at the latest migrations after it,
    whatever happens: where every other test expects it."""
    latest = latest_migrations()
    try:
        yield migrate_to(targets)
    finally:
        migrate_to(latest)


def applied_models(executor: MigrationExecutor) -> StateApps:
    """The models as the database has them now: the state of every migration applied."""
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def at_once(copies: int, call: Callable[[int], Result]) -> list[Result]:
    """call(0) … call(copies - 1), each on its own thread and database connection, released
    together so that they race in the database; their results in order. Needs a transactional
    test (the threads must see each other's commits). An exception in any thread is raised here."""
    barrier = threading.Barrier(copies)
    results: dict[int, Result] = {}
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = call(index)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [results[index] for index in range(copies)]


def queries_outside_cache(captured: CaptureQueriesContext) -> list[str]:
    """The SQL a request ran, less the shared cache's own table and the savepoints around it (rate
    limits and lock-outs count there; on Redis those are no queries at all)."""
    table = settings.CACHES["default"].get("LOCATION", "")
    return [
        query["sql"]
        for query in captured.captured_queries
        if not (table and table in query["sql"]) and not query["sql"].startswith(_SAVEPOINT_SQL)
    ]


_SAVEPOINT_SQL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def rate_window_start(key: str, seconds: int) -> dt.datetime:
    """When the current fixed window of a rate limit on `key` began (django-ratelimit shifts each
    key's windows by a fixed offset), so that a test can start at a window's edge."""
    end = _get_window(key, seconds)
    return dt.datetime.fromtimestamp(end - seconds, tz=dt.UTC)


def child_database_url() -> str:
    """The test database as a URL, for a child process (SQLite file or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def sign_in(client: Client, user: User) -> Client:
    """Signs `user` in as the login page would: the session, and for an admin role (or anyone
    with an authenticator) the second factor verified, as django-otp's login marks it."""
    client.force_login(user)
    if twofactor_required(user) or totp_device(user) is not None:
        device = totp_device(user) or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


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


def visit_at(*, worker: User, household: Household, when: dt.datetime, outcome: str = Outcome.MET) -> None:
    """A visit recorded through the service at `when` (received five minutes later), with the
    answers a met household gives and the reason a refusal needs."""
    with time_machine.travel(when + dt.timedelta(minutes=5), tick=False):
        visit_record_with_tickets(
            worker=worker,
            household=household,
            client_uuid=uuid.uuid4(),
            visited_at=when,
            outcome=outcome,
            answers={"health": "良好", "safety": "安全"} if outcome == Outcome.MET else {},
            refused_reason="不方便" if outcome == Outcome.REFUSED else "",
        )

"""seed_demo: a realistic, deterministic demo street; its users log in; nothing personal in plaintext."""

from __future__ import annotations

import datetime as dt
import stat
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.twofactor import REQUIRED_ROLES
from qiaomen.core.idnumber import age_on, parse_id_number
from qiaomen.core.models import AuditEntry
from qiaomen.core.phone import parse_phone
from qiaomen.demo.logins import LOGINS_FILENAME
from qiaomen.demo.places import CITY_CENTRE
from qiaomen.demo.seed import demo_street_create
from qiaomen.demo.users import DEMO_USERS
from qiaomen.places.models import Building, Grid
from qiaomen.registry.models import Household, HouseholdStatus, Person, Relationship, ResidentType
from qiaomen.testing import raw_database_bytes

PASSWORD = "Knock-knock-2026"
TODAY = dt.date(2026, 6, 1)


def seed(households: int, seed: int = 1, *extra: str) -> str:
    out = StringIO()
    call_command(
        "seed_demo",
        "--households",
        str(households),
        "--seed",
        str(seed),
        "--password",
        PASSWORD,
        "--months",
        "0",
        *extra,
        stdout=out,
    )
    return out.getvalue()


class _Undo(Exception):
    """Raised to roll a seeded street back inside a test."""


def seeded_people(seed: int) -> list[tuple[str, str, str, str, str]]:
    """Address, relationship, name and masked numbers of everyone in a street seeded and rolled back."""
    people: list[tuple[str, str, str, str, str]] = []
    try:
        with transaction.atomic():
            demo_street_create(households=120, seed=seed, password=PASSWORD, today=TODAY)
            people += Person.objects.values_list(
                "household__address_key", "relationship", "name", "id_masked", "phone_masked"
            )
            raise _Undo
    except _Undo:
        pass
    return sorted(people)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_street_and_another_seed_another() -> None:
    first = seeded_people(7)
    assert len(first) > 200
    assert seeded_people(7) == first
    assert seeded_people(8) != first


@pytest.mark.django_db
def test_the_demo_users_have_their_roles_and_places_and_can_log_in() -> None:
    output = seed(60)
    assert "幸福街道" in output
    users = {user.username: user for user in User.objects.select_related("department")}
    for spec in DEMO_USERS:
        user = users[spec.username]
        assert user.role == spec.role and user.display_name == spec.display_name
        assert user.check_password(PASSWORD), spec.username
    grid_of = dict(PlaceAssignment.objects.filter(grid__isnull=False).values_list("user__username", "grid_id"))
    assert set(grid_of) == {"worker1", "worker2", "volunteer1"} and grid_of["worker1"] != grid_of["worker2"]
    assert grid_of["volunteer1"] == grid_of["worker1"]
    chief_building = PlaceAssignment.objects.get(user__username="chief1").building
    assert chief_building is not None and chief_building.grid_id == grid_of["worker1"]
    assert PlaceAssignment.objects.get(user__username="admin").street is not None
    assert PlaceAssignment.objects.get(user__username="community1").community is not None
    assert users["dept_minzheng"].department is not None and users["dept_minzheng"].department.code == "minzheng"
    assert not PlaceAssignment.objects.filter(user__username__in=["dept_minzheng", "auditor"]).exists()
    admins = [users[username] for username in ("sysadmin", "secadmin", "auditor")]
    assert [admin.role for admin in admins] == [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR]
    assert len({admin.staff_number for admin in admins}) == 3 and all(admin.staff_number for admin in admins)
    assert {PlaceAssignment.objects.get(user=admins[0]).street, PlaceAssignment.objects.get(user=admins[1]).street} == {
        PlaceAssignment.objects.get(user__username="admin").street
    }
    assert AuditEntry.objects.filter(action="accounts.admin_bootstrap").count() == 3
    entry = AuditEntry.objects.get(action="registry.seed_demo")
    assert entry.detail["households"] == 60 and entry.detail["people"] == Person.objects.count()


@pytest.mark.django_db
def test_the_logins_are_written_for_the_owner_only_and_printed_by_demo_logins() -> None:
    seed(60)
    path = Path(settings.VAR_DIR) / LOGINS_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert PASSWORD in text and all(spec.username in text for spec in DEMO_USERS)
    assert "三员分立" in text
    out = StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8001", stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8001" in printed and PASSWORD in printed and "street_admin" in printed
    assert "不一致" not in printed
    # The admin roles enrol a second factor at their first login (SECURITY 13); demo_logins says who.
    enrolling = "、".join(spec.username for spec in DEMO_USERS if spec.role in REQUIRED_ROLES)
    assert {"admin", "sysadmin", "secadmin", "auditor"} <= set(enrolling.split("、"))
    assert f"两步验证 (two-step sign-in)：{enrolling} 首次登录时" in printed


@pytest.mark.django_db
def test_demo_logins_says_so_when_there_is_no_demo_street() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "还没有演示街道" in out.getvalue()


@pytest.mark.django_db
def test_if_empty_leaves_a_registry_with_households_alone_and_a_second_seed_is_refused() -> None:
    seed(40)
    assert "不再生成" in seed(40, 2, "--if-empty")
    assert Household.objects.count() == 40
    with pytest.raises(CommandError, match="registry_not_empty"):
        seed(40, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("households", "password", "code"),
    [(10, PASSWORD, "demo_households_too_few"), (40, "12345678", "demo_password_weak")],
)
def test_bad_arguments_are_refused_with_a_code_and_write_nothing(households: int, password: str, code: str) -> None:
    with pytest.raises(CommandError, match=code):
        call_command("seed_demo", "--households", str(households), "--password", password, stdout=StringIO())
    assert not Household.objects.exists() and not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_without_a_password_a_strong_random_one_is_generated() -> None:
    call_command("seed_demo", "--households", "40", "--months", "0", stdout=StringIO())
    text = (Path(settings.VAR_DIR) / LOGINS_FILENAME).read_text(encoding="utf-8")
    password = text.split("(password): ", 1)[1].split()[0]
    assert len(password) >= 16
    assert User.objects.get(username="worker1").check_password(password)


def _age(person: Person) -> int:
    return age_on(parse_id_number(person.id_number).birth_date, timezone.localdate())


@pytest.mark.django_db
def test_a_seeded_street_looks_like_a_real_one() -> None:
    seed(1500, 4)
    grid_sizes = Grid.objects.annotate(n=Count("buildings__households")).values_list("n", flat=True)
    assert len(grid_sizes) >= 3 and all(300 <= n <= 500 for n in grid_sizes)

    households = Household.objects.annotate(n=Count("members"), heads=Count("members", Q(members__relationship="head")))
    for household in households:
        if household.status == HouseholdStatus.VACANT:
            assert household.n == 0
        else:
            assert 1 <= household.n <= 5 and household.heads == 1, household.pk
    statuses = set(households.values_list("status", flat=True))
    assert {HouseholdStatus.OCCUPIED, HouseholdStatus.VACANT, HouseholdStatus.SEPARATED} <= statuses

    special = Household.objects.filter(members__tags__is_special_group=True).distinct().count()
    assert 0.12 <= special / Household.objects.count() <= 0.18

    people = list(Person.objects.prefetch_related("tags"))
    by_household: dict[int | None, list[Person]] = defaultdict(list)
    for person in people:
        by_household[person.household_id].append(person)
    for person in people:
        parsed = parse_id_number(person.id_number)
        assert (parsed.value, parsed.gender) == (person.id_number, person.gender)
        assert person.birth_year in (parsed.birth_date.year, None)
        if person.phone:
            assert parse_phone(person.phone) == person.phone
        age, tags = _age(person), {tag.code for tag in person.tags.all()}
        assert ("elder_80" in tags) == (age >= 80), person.pk
        if tags & {"child_left", "child_distress"}:
            assert age < 18
        if "maternal" in tags:
            assert person.gender == "F" and 18 <= age <= 50
        if "elder_alone" in tags:
            assert age >= 65 and len(by_household[person.household_id]) == 1
        if person.resident_type == ResidentType.MIGRANT:
            assert person.separated and "幸福街道" not in person.registered_address
    for members in by_household.values():
        head = next(member for member in members if member.relationship == Relationship.HEAD)
        elders = [_age(m) for m in members if m.relationship in (Relationship.HEAD, Relationship.SPOUSE)]
        for member in members:
            if member.relationship == Relationship.CHILD:
                assert max(elders) - _age(member) >= 18
            elif member.relationship == Relationship.PARENT:
                assert _age(member) - _age(head) >= 18
            elif member.relationship == Relationship.GRANDCHILD:
                assert _age(head) - _age(member) >= 36

    assert Person.objects.filter(separated=True).exists()
    assert Person.objects.filter(resident_type=ResidentType.TENANT).exists()
    assert any("糖尿病" in person.care_notes for person in people)
    oldest_check = timezone.now() - dt.timedelta(days=60, minutes=5)
    assert not Household.objects.filter(last_verified_at__lt=oldest_check).exists()
    assert Household.objects.filter(last_verified_at__lt=timezone.now() - dt.timedelta(days=30)).exists()

    for building in Building.objects.select_related("grid"):
        assert building.lat is not None and building.lng is not None and building.grid.center_lat is not None
        assert abs(building.lat - CITY_CENTRE[0]) < 0.05 and abs(building.lng - CITY_CENTRE[1]) < 0.05
        # A grid's buildings stand within a few hundred metres of its centre.
        assert abs(building.lat - building.grid.center_lat) < 0.005


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_raw_database_holds_no_id_number_or_phone_in_plaintext() -> None:
    seed(300, 5)
    # The field decrypts: these are the values an attacker with the file must not find.
    people = Person.objects.only("row_key", "id_number", "phone")
    numbers = {value for person in people for value in (person.id_number, person.phone) if value}
    assert len(numbers) > 800
    raw = raw_database_bytes()
    # The check reads real, committed data: unencrypted columns are there in plain UTF-8.
    someone = Person.objects.order_by("pk").first()
    assert someone is not None and someone.name.encode() in raw
    leaked = sorted(value for value in numbers if value.encode() in raw)
    assert leaked == [], f"{len(leaked)} ID or phone numbers stored in plaintext"

"""三员分立 (SECURITY lines 10, 15 and 18): the system, security and audit admins are three people
with three separate duties, nobody grants a role or a place above their own, and a user with no
place manages nobody."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import ADMIN_DUTY_ROLES, GRANTABLE_ROLES, ROLE_CAPABILITIES, Capability, Role
from qiaomen.accounts.selectors_users import users_for_manager
from qiaomen.accounts.services import api_token_issue
from qiaomen.accounts.services_admins import AdminSeat, admin_duties_bootstrap
from qiaomen.accounts.services_users import (
    user_account_update,
    user_create,
    user_disable,
    user_enable,
    user_password_reset,
    user_role_assign,
)
from qiaomen.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from qiaomen.core.models import AuditEntry
from qiaomen.testing import PASSWORD, SmallStreet, make_user

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Door-to-door-2027"
DUTY_CAPABILITIES = (Capability.MANAGE_USERS, Capability.MANAGE_SECURITY, Capability.VIEW_AUDIT)


def test_security_15_no_role_combines_two_admin_duties() -> None:
    for role, capabilities in ROLE_CAPABILITIES.items():
        assert len(capabilities & set(DUTY_CAPABILITIES)) <= 1, role


def test_security_15_each_admin_duty_holds_its_own_capability_and_no_personal_data() -> None:
    assert ROLE_CAPABILITIES[Role.SYSTEM_ADMIN] == {Capability.MANAGE_USERS}
    assert ROLE_CAPABILITIES[Role.SECURITY_ADMIN] == {Capability.MANAGE_SECURITY}
    assert ROLE_CAPABILITIES[Role.AUDITOR] == {Capability.VIEW_AUDIT}


def test_security_15_the_system_admin_cannot_read_the_audit_log(small_street: SmallStreet) -> None:
    assert not small_street.users["system_admin"].can(Capability.VIEW_AUDIT)


def test_security_15_the_system_admin_creates_accounts_without_a_role(small_street: SmallStreet) -> None:
    system_admin = small_street.users["system_admin"]
    user = user_create(
        by=system_admin, username="newcomer", password=NEW_PASSWORD, role="", places=(small_street.grid_b,)
    )
    assert user.role == "" and not any(user.can(capability) for capability in Capability)
    for role in Role.values:
        with pytest.raises(Forbidden):
            user_create(by=system_admin, username=f"x{role}", password=NEW_PASSWORD, role=role)


def test_security_15_the_security_admin_gives_roles_but_creates_no_account(small_street: SmallStreet) -> None:
    security_admin = small_street.users["security_admin"]
    with pytest.raises(Forbidden):
        user_create(by=security_admin, username="mine", password=NEW_PASSWORD, role=Role.GRID_WORKER)
    newcomer = user_create(
        by=small_street.users["system_admin"],
        username="newcomer",
        password=NEW_PASSWORD,
        role="",
        places=(small_street.grid_b,),
    )
    user_role_assign(user=newcomer, role=Role.GRID_WORKER, by=security_admin)
    newcomer.refresh_from_db()
    assert newcomer.role == Role.GRID_WORKER
    entry = AuditEntry.objects.filter(action="accounts.role_assign").get()
    assert entry.detail == {"from": "", "to": Role.GRID_WORKER} and entry.actor_id == security_admin.pk


def test_security_15_the_security_admin_never_gives_its_own_role_nor_changes_its_own(small_street: SmallStreet) -> None:
    security_admin = small_street.users["security_admin"]
    with pytest.raises(Forbidden):
        user_role_assign(user=small_street.users["worker_b"], role=Role.SECURITY_ADMIN, by=security_admin)
    with pytest.raises(Forbidden) as error:
        user_role_assign(user=security_admin, role=Role.AUDITOR, by=security_admin)
    assert error.value.code == "own_role"


def test_security_15_the_system_admin_keeps_no_admin_duty_account(small_street: SmallStreet) -> None:
    """It cannot silence the audit admin nor take over the security admin's account."""
    system_admin = small_street.users["system_admin"]
    for persona in ("auditor", "security_admin"):
        with pytest.raises(Forbidden):
            user_disable(user=small_street.users[persona], by=system_admin)
        with pytest.raises(Forbidden):
            user_password_reset(user=small_street.users[persona], by=system_admin)
    assert small_street.users["auditor"].is_active


def test_security_10_one_person_cannot_hold_two_admin_duties(small_street: SmallStreet) -> None:
    """The auditor's staff number already names an account: no second account for that person."""
    with pytest.raises(Conflict) as error:
        user_create(
            by=small_street.users["system_admin"],
            username="auditor2",
            password=NEW_PASSWORD,
            role="",
            staff_number="xf-9003",
        )
    assert error.value.code == "staff_number_taken"
    # In a savepoint of its own, so that the test's transaction is usable after the refusal.
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("auditor3", Role.GRID_WORKER, staff_number="XF-9003")


def test_security_10_an_admin_duty_needs_the_persons_staff_number(small_street: SmallStreet) -> None:
    anonymous = user_create(
        by=small_street.users["system_admin"],
        username="someone",
        password=NEW_PASSWORD,
        role="",
        places=(small_street.street,),
    )
    with pytest.raises(InvalidInput) as error:
        user_role_assign(user=anonymous, role=Role.SYSTEM_ADMIN, by=small_street.users["security_admin"])
    assert error.value.code == "staff_number_required"
    anonymous.refresh_from_db()
    assert anonymous.role == ""


def test_security_10_bootstrap_makes_three_admins_of_three_people(small_street: SmallStreet) -> None:
    User.objects.filter(role__in=ADMIN_DUTY_ROLES).delete()
    seats = [AdminSeat(f"duty{n}", f"管理员{n}", f"P-{n}", NEW_PASSWORD) for n in range(3)]
    with pytest.raises(InvalidInput):
        admin_duties_bootstrap(
            street=small_street.street, system_admin=seats[0], security_admin=seats[1], audit_admin=seats[0]
        )
    system_admin, security_admin, audit_admin = admin_duties_bootstrap(
        street=small_street.street, system_admin=seats[0], security_admin=seats[1], audit_admin=seats[2]
    )
    assert [system_admin.role, security_admin.role, audit_admin.role] == [
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDITOR,
    ]
    with pytest.raises(Conflict):
        admin_duties_bootstrap(
            street=small_street.street,
            system_admin=AdminSeat("a", "a", "Q-1", NEW_PASSWORD),
            security_admin=AdminSeat("b", "b", "Q-2", NEW_PASSWORD),
            audit_admin=AdminSeat("c", "c", "Q-3", NEW_PASSWORD),
        )


@pytest.mark.parametrize("manager", ["street_admin", "community_staff", "system_admin", "security_admin"])
def test_security_18_nobody_grants_a_role_above_their_own(small_street: SmallStreet, manager: str) -> None:
    by = small_street.users[manager]
    target = small_street.users["worker_a"]
    for role in Role.values:
        if role in GRANTABLE_ROLES.get(by.role, frozenset()):
            continue
        with pytest.raises(DomainError):
            user_role_assign(user=target, role=role, by=by)
    target.refresh_from_db()
    assert target.role == Role.GRID_WORKER


def test_security_18_community_staff_reach_only_their_communitys_workers(small_street: SmallStreet) -> None:
    staff = small_street.users["community_staff"]
    assert set(users_for_manager(staff)) == {small_street.users["worker_a"], small_street.users["building_chief"]}
    with pytest.raises(Forbidden):
        user_disable(user=small_street.users["worker_b"], by=staff)
    with pytest.raises(Forbidden) as error:
        user_account_update(
            user=small_street.users["worker_a"],
            by=staff,
            display_name="",
            staff_number="",
            places=(small_street.grid_b,),
        )
    assert error.value.code == "place_above_own"


def test_security_18_a_manager_without_a_place_sees_nobody(small_street: SmallStreet) -> None:
    homeless = make_user("floating_admin", Role.STREET_ADMIN)
    assert not users_for_manager(homeless).exists()
    with pytest.raises(Forbidden):
        user_create(
            by=homeless, username="w9", password=NEW_PASSWORD, role=Role.GRID_WORKER, places=(small_street.grid_a,)
        )
    with pytest.raises(Forbidden):
        user_disable(user=small_street.users["worker_a"], by=homeless)


def test_security_18_the_street_admin_keeps_business_accounts_not_admin_duties(small_street: SmallStreet) -> None:
    visible = set(users_for_manager(small_street.users["street_admin"]))
    assert small_street.users["worker_b"] in visible and small_street.users["dept_handler"] in visible
    assert not visible & {small_street.users[p] for p in ("system_admin", "security_admin", "auditor", "street_admin")}


def test_a_disabled_account_comes_back_with_its_role_and_places(small_street: SmallStreet) -> None:
    worker = small_street.users["worker_b"]
    admin = small_street.users["street_admin"]
    user_disable(user=worker, by=admin)
    user_enable(user=worker, by=admin)
    worker.refresh_from_db()
    assert worker.is_active and worker.role == Role.GRID_WORKER and worker.places.get().grid == small_street.grid_b
    assert list(AuditEntry.objects.filter(action__startswith="accounts.user_").values_list("action", flat=True)) == [
        "accounts.user_disable",
        "accounts.user_enable",
    ]


def test_a_password_reset_gives_a_temporary_password_that_must_be_changed(small_street: SmallStreet) -> None:
    worker = small_street.users["worker_b"]
    temporary = user_password_reset(user=worker, by=small_street.users["street_admin"])
    worker.refresh_from_db()
    assert worker.check_password(temporary) and not worker.check_password(PASSWORD)
    assert worker.must_change_password
    assert AuditEntry.objects.filter(action="accounts.password_reset", object_id=str(worker.pk)).exists()
    with pytest.raises(Forbidden) as error:
        api_token_issue(username=worker.username, password=temporary, request=RequestFactory().post("/"))
    assert error.value.code == "password_change_required"


def test_security_15_admin_bootstrap_command_prints_three_temporary_passwords_once(small_street: SmallStreet) -> None:
    User.objects.filter(role__in=ADMIN_DUTY_ROLES).delete()
    out = StringIO()
    call_command(
        "admin_bootstrap",
        "--street",
        small_street.street.code,
        "--system-admin",
        "zheng:P-1:郑伟",
        "--security-admin",
        "wu:P-2",
        "--audit-admin",
        "he:P-3",
        stdout=out,
    )
    printed = dict(line.split()[1:3] for line in out.getvalue().splitlines()[1:])
    for username, role in (("zheng", Role.SYSTEM_ADMIN), ("wu", Role.SECURITY_ADMIN), ("he", Role.AUDITOR)):
        user = User.objects.get(username=username)
        assert user.role == role and user.must_change_password and user.check_password(printed[username])
    with pytest.raises(CommandError):
        call_command(
            "admin_bootstrap",
            "--street",
            small_street.street.code,
            "--system-admin",
            "a:Q-1",
            "--security-admin",
            "b:Q-2",
            "--audit-admin",
            "c:Q-3",
        )


def test_security_10_two_managers_at_once_cannot_give_one_staff_number_two_accounts(
    small_street: SmallStreet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-ahead check passes for both; the database's constraint refuses the second."""
    first = user_create(
        by=small_street.users["system_admin"], username="first", password=NEW_PASSWORD, role="", staff_number="P-77"
    )
    monkeypatch.setattr("qiaomen.accounts.services_users.staff_number_check", lambda **kwargs: None)
    with pytest.raises(Conflict) as error:
        user_create(
            by=small_street.users["system_admin"],
            username="second",
            password=NEW_PASSWORD,
            role="",
            staff_number="P-77",
        )
    assert error.value.code == "account_taken"
    assert list(User.objects.filter(staff_number="P-77")) == [first]

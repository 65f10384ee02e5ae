"""Accounts, roles and places: who creates, changes, disables and resets whose account.

The rules (SECURITY lines 10, 15 and 18):
- one account per person: the staff number (工号) is unique wherever it is given, and every
  admin-duty account carries one, so one person never holds two admin duties;
- nobody grants a role or a place above their own (roles.GRANTABLE_ROLES, the manager's places);
- the system admin makes accounts and gives places, the security admin gives roles, the audit
  admin only reads the log; nobody changes their own role or disables their own account;
- disabling and resetting end the account's sessions and tokens at once.
Every action writes its audit row in the same transaction: no row, no action.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import ADMIN_DUTY_ROLES, GRANTABLE_ROLES, Capability, roles_creatable_by
from qiaomen.accounts.scopes import Place, assignment_field, management_scope
from qiaomen.accounts.selectors_users import may_assign_role, may_keep_account, place_within, users_for_manager
from qiaomen.accounts.services import user_end_sessions
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput

# 16 URL-safe characters (96 bits): shown once to the person who reset it, changed at first use.
TEMPORARY_PASSWORD_BYTES = 12


def staff_number_normalise(value: str) -> str:
    return value.strip().upper()


def _check_in_reach(*, by: User, user: User) -> None:
    """A manager acts only on accounts they can see (their places, roles they keep or grant)."""
    if not users_for_manager(by).filter(pk=user.pk).exists():
        raise Forbidden("not_your_account", _("You may not manage this account."))


def _check_keeps(*, by: User, user: User) -> None:
    _check_in_reach(by=by, user=user)
    if not may_keep_account(by, user):
        raise Forbidden("not_your_account", _("You may not manage this account."))


def _check_places(*, by: User, places: Sequence[Place]) -> None:
    scope = management_scope(by)
    if not all(place_within(scope, place) for place in places):
        raise Forbidden("place_above_own", _("You can only assign places within your own scope."))


def staff_number_check(*, role: str, staff_number: str, user: User | None = None) -> None:
    """One account per person: a staff number names one account; an admin duty needs one."""
    if role in ADMIN_DUTY_ROLES and not staff_number:
        raise InvalidInput("staff_number_required", _("An admin duty needs the person's staff number."))
    if not staff_number:
        return
    others = User.objects.filter(staff_number=staff_number)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise Conflict(
            "staff_number_taken",
            _("Another account already belongs to the person with this staff number: one account per person."),
        )


@contextmanager
def _unique_account() -> Iterator[None]:
    """A transaction whose writes the checks above read ahead of: two managers at once could both
    pass them, and then the database's unique constraints decide. The loser gets a Conflict."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise Conflict("account_taken", _("This username or staff number was just taken by another account.")) from exc


def _place_names(places: Sequence[Place]) -> list[str]:
    return [str(place) for place in places]


def _assign_places(*, user: User, places: Sequence[Place]) -> None:
    PlaceAssignment.objects.filter(user=user).delete()
    PlaceAssignment.objects.bulk_create(
        [PlaceAssignment(user=user, **{assignment_field(place): place}) for place in places]
    )


def user_create(
    *,
    by: User,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    staff_number: str = "",
    department: Department | None = None,
    places: Sequence[Place] = (),
    must_change_password: bool = False,
    request: HttpRequest | None = None,
) -> User:
    """A new account. The system admin creates it without a role (the security admin gives one);
    business admins give a role below their own; nobody a place above their own."""
    if not by.can(Capability.MANAGE_USERS) or role not in roles_creatable_by(by.role):
        raise Forbidden("role_above_own", _("You cannot grant a role equal to or above your own."))
    _check_places(by=by, places=places)
    staff_number = staff_number_normalise(staff_number)
    staff_number_check(role=role, staff_number=staff_number)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("username_taken", _("This username is already taken."))
    candidate = User(
        username=username, role=role, display_name=display_name, staff_number=staff_number, department=department
    )
    validate_password(password, candidate)
    with _unique_account():
        candidate.set_password(password)
        candidate.password_changed_at = timezone.now()
        candidate.must_change_password = must_change_password
        candidate.save()
        _assign_places(user=candidate, places=places)
        audit_record(
            action="accounts.user_create",
            actor=by,
            request=request,
            obj=candidate,
            detail={"role": role, "places": _place_names(places)},
        )
    return candidate


def temporary_password_new() -> str:
    return secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)


def user_create_with_temporary_password(
    *,
    by: User,
    username: str,
    role: str,
    display_name: str = "",
    staff_number: str = "",
    department: Department | None = None,
    places: Sequence[Place] = (),
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """A new account whose first password is made here, shown once to its creator and changed by
    its owner at first sign-in: the creator never chooses, nor keeps, anyone's password."""
    password = temporary_password_new()
    user = user_create(
        by=by,
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        staff_number=staff_number,
        department=department,
        places=places,
        must_change_password=True,
        request=request,
    )
    return user, password


def user_disable(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    """Disabling ends the user's sessions and tokens at once (SECURITY line 10)."""
    if by.pk == user.pk:
        raise Forbidden("cannot_disable_self", _("You cannot disable your own account."))
    _check_keeps(by=by, user=user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        ended = user_end_sessions(user=user)
        audit_record(
            action="accounts.user_disable", actor=by, request=request, obj=user, detail={"sessions_ended": ended}
        )
    user.is_active = False


def user_enable(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    _check_keeps(by=by, user=user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        audit_record(action="accounts.user_enable", actor=by, request=request, obj=user)
    user.is_active = True


def user_role_assign(*, user: User, role: str, by: User, request: HttpRequest | None = None) -> None:
    """A new role for an account: never one's own, never a role one could not grant."""
    if by.pk == user.pk:
        raise Forbidden("own_role", _("Nobody can change their own role."))
    _check_in_reach(by=by, user=user)
    if not may_assign_role(by, user) or role not in GRANTABLE_ROLES.get(by.role, frozenset()):
        raise Forbidden("role_above_own", _("You cannot grant a role equal to or above your own."))
    staff_number_check(role=role, staff_number=user.staff_number, user=user)
    with transaction.atomic():
        previous = User.objects.select_for_update().values_list("role", flat=True).get(pk=user.pk)
        User.objects.filter(pk=user.pk).update(role=role)
        audit_record(
            action="accounts.role_assign",
            actor=by,
            request=request,
            obj=user,
            detail={"from": previous, "to": role},
        )
    user.role = role


def user_account_update(
    *,
    user: User,
    by: User,
    display_name: str,
    staff_number: str,
    places: Sequence[Place],
    request: HttpRequest | None = None,
) -> None:
    """Name, staff number and places of an account the manager keeps; places within their own."""
    _check_keeps(by=by, user=user)
    _check_places(by=by, places=places)
    staff_number = staff_number_normalise(staff_number)
    staff_number_check(role=user.role, staff_number=staff_number, user=user)
    with _unique_account():
        before = [str(assignment) for assignment in PlaceAssignment.objects.filter(user=user)]
        User.objects.filter(pk=user.pk).update(display_name=display_name, staff_number=staff_number)
        _assign_places(user=user, places=places)
        audit_record(
            action="accounts.user_update",
            actor=by,
            request=request,
            obj=user,
            detail={"places_from": before, "places_to": _place_names(places)},
        )
    user.display_name, user.staff_number = display_name, staff_number


def user_password_reset(*, user: User, by: User, request: HttpRequest | None = None) -> str:
    """A temporary password, returned to be shown once; it opens only the password change page,
    and every session and token of the account ends now."""
    _check_keeps(by=by, user=user)
    temporary = temporary_password_new()
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        ended = user_end_sessions(user=user)
        audit_record(
            action="accounts.password_reset", actor=by, request=request, obj=user, detail={"sessions_ended": ended}
        )
    return temporary


def user_password_change(
    *, user: User, old_password: str, new_password: str, keep_session_key: str | None, request: HttpRequest | None
) -> None:
    """The user's own change: their other sessions and their API tokens end (SECURITY line 14);
    the browser session it was made in stays (the view gives it a new key)."""
    if not user.check_password(old_password):
        raise InvalidInput("wrong_password", _("Your current password is not right."))
    if old_password == new_password:
        raise InvalidInput("same_password", _("Choose a password different from the current one."))
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        ended = user_end_sessions(user=user, keep_session_key=keep_session_key)
        audit_record(
            action="accounts.password_change", actor=user, request=request, obj=user, detail={"sessions_ended": ended}
        )

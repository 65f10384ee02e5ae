"""An installation's first admins (三员分立): a system, a security and an audit admin, three
different people, made once; afterwards the security admin gives those roles (services_users)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import PlaceAssignment, User
from qiaomen.accounts.roles import ADMIN_DUTY_ROLES, Role
from qiaomen.accounts.services_users import staff_number_check, staff_number_normalise
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.places.models import Street


@dataclass(frozen=True)
class AdminSeat:
    """One of the three admin duties, for the first accounts of an installation."""

    username: str
    display_name: str
    staff_number: str
    password: str


def admin_duties_bootstrap(
    *,
    street: Street,
    system_admin: AdminSeat,
    security_admin: AdminSeat,
    audit_admin: AdminSeat,
    must_change_password: bool = False,
) -> tuple[User, User, User]:
    """The first system, security and audit admins, three different people; only while nobody
    holds an admin duty (afterwards the security admin gives those roles). The system and
    security admins act for `street`. With `must_change_password` the seats' passwords are
    temporary: each admin chooses their own at first sign-in."""
    seats = ((system_admin, Role.SYSTEM_ADMIN), (security_admin, Role.SECURITY_ADMIN), (audit_admin, Role.AUDITOR))
    numbers = {staff_number_normalise(seat.staff_number) for seat, _role in seats}
    if "" in numbers or len(numbers) != len(seats):
        raise InvalidInput("same_person", _("The three admin duties need three different people."))
    if User.objects.filter(role__in=ADMIN_DUTY_ROLES).exists():
        raise Conflict("admins_exist", _("The admin duties are already held; the security admin gives them now."))
    created = []
    with transaction.atomic():
        for seat, role in seats:
            staff_number = staff_number_normalise(seat.staff_number)
            staff_number_check(role=role, staff_number=staff_number)
            user = User(username=seat.username, role=role, display_name=seat.display_name, staff_number=staff_number)
            validate_password(seat.password, user)
            user.set_password(seat.password)
            user.password_changed_at = timezone.now()
            user.must_change_password = must_change_password
            user.save()
            if role != Role.AUDITOR:
                PlaceAssignment.objects.create(user=user, street=street)
            audit_record(action="accounts.admin_bootstrap", obj=user, actor_name="system", detail={"role": role})
            created.append(user)
    return created[0], created[1], created[2]

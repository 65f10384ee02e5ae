"""python manage.py admin_bootstrap --street CODE --system-admin NAME:STAFFNO --security-admin …
--audit-admin …: an installation's first three admins (三员分立), three different people.

Each gets a temporary password, printed once here and changed at first sign-in. Refused once
anyone holds an admin duty: from then on the security admin gives those roles.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiaomen.accounts.services_admins import AdminSeat, admin_duties_bootstrap
from qiaomen.accounts.services_users import temporary_password_new
from qiaomen.core.errors import DomainError
from qiaomen.places.models import Street

SEATS = (("system_admin", "系统管理员"), ("security_admin", "安全管理员"), ("audit_admin", "审计管理员"))


def _seat(value: str, option: str) -> AdminSeat:
    """USERNAME:STAFF_NUMBER[:DISPLAY NAME]"""
    parts = value.split(":", 2)
    if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
        raise CommandError(f"--{option.replace('_', '-')} takes USERNAME:STAFF_NUMBER[:NAME], not {value!r}")
    name = parts[2].strip() if len(parts) == 3 else ""
    return AdminSeat(parts[0].strip(), name, parts[1], temporary_password_new())


class Command(BaseCommand):
    help = "Creates the first system, security and audit admins (three people), with temporary passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--street", required=True, help="code of the street the system and security admins act for")
        for option, _label in SEATS:
            parser.add_argument(f"--{option.replace('_', '-')}", required=True, metavar="USERNAME:STAFF_NUMBER[:NAME]")

    def handle(self, *args: Any, **options: Any) -> None:
        street = Street.objects.filter(code=options["street"]).first()
        if street is None:
            raise CommandError(f"没有代码为 {options['street']} 的街道 (no such street)")
        seats = {option: _seat(options[option], option) for option, _label in SEATS}
        try:
            admin_duties_bootstrap(street=street, must_change_password=True, **seats)
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        self.stdout.write("临时密码只显示这一次，首次登录时须修改 (temporary passwords, shown once):")
        for option, label in SEATS:
            seat = seats[option]
            self.stdout.write(f"{label:<8}{seat.username:<20}{seat.password}")

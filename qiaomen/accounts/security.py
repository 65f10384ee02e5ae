"""The security admin's duties (三员分立): unlocking logins and resetting a lost second factor.
Each action writes its audit row or does not happen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from qiaomen.accounts.lockout import pair_failures, pair_reset
from qiaomen.accounts.models import RecoveryCode, User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.services import user_end_sessions
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Forbidden, NotFound
from qiaomen.core.models import AuditEntry, AuditResult


@dataclass(frozen=True)
class LockedLogin:
    username: str
    ip: str
    failures: int
    last_failure_at: dt.datetime


def require_security_admin(user: User) -> None:
    if not user.can(Capability.MANAGE_SECURITY):
        raise Forbidden("not_security_admin", _("Only a security admin may do this."))


def _recent_refusals(*, username: str = "") -> list[tuple[str, str, dt.datetime]]:
    """(username, IP, last refusal) of the refused logins within the longest possible lock.

    The locks live in the cache, which cannot be listed; the audit rows of refused logins say
    which username + IP pairs may be locked, and the cache says whether they still are."""
    since = timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCK_MAX_MINUTES)
    rows = AuditEntry.objects.filter(action="auth.login", result=AuditResult.DENIED, at__gte=since)
    if username:
        rows = rows.filter(actor_name=username)
    last: dict[tuple[str, str], dt.datetime] = {}
    for name, ip, at in rows.order_by("at").values_list("actor_name", "ip", "at"):
        last[(name, ip)] = at
    return [(name, ip, at) for (name, ip), at in last.items()]


def locked_logins(*, by: User) -> list[LockedLogin]:
    """The username + IP pairs locked now, the most recent first."""
    require_security_admin(by)
    locked = []
    for name, ip, at in _recent_refusals():
        failures = pair_failures(username=name, ip=ip)
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked.append(LockedLogin(username=name, ip=ip, failures=failures, last_failure_at=at))
    return sorted(locked, key=lambda row: row.last_failure_at, reverse=True)


def login_unlock(*, username: str, by: User, request: HttpRequest | None = None) -> list[str]:
    """Lifts every lock of `username` (from any address); returns the addresses unlocked."""
    require_security_admin(by)
    pairs = [(name, ip) for name, ip, _at in _recent_refusals(username=username)]
    locked_ips = [ip for name, ip in pairs if pair_failures(username=name, ip=ip) >= settings.LOGIN_MAX_FAILURES]
    if not locked_ips:
        raise NotFound("not_locked", _("This account is not locked."))
    with transaction.atomic():
        # The audit row first: if it cannot be written, nothing is unlocked.
        audit_record(
            action="accounts.login_unlock",
            actor=by,
            request=request,
            object_type="accounts.user",
            object_id=User.objects.filter(username=username).values_list("pk", flat=True).first() or "",
            detail={"username": username, "ips": locked_ips},
        )
        for ip in locked_ips:
            pair_reset(username=username, ip=ip)
    return locked_ips


def twofactor_reset(*, user: User, by: User, request: HttpRequest | None = None) -> None:
    """A lost phone or a disabled device: the security admin removes the authenticator and the
    recovery codes, and ends the user's sessions; the user enrols again at the next login."""
    require_security_admin(by)
    if by.pk == user.pk:
        raise Forbidden("cannot_reset_own_2fa", _("Another security admin must reset your own second factor."))
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        RecoveryCode.objects.filter(user=user).delete()
        user_end_sessions(user=user)
        audit_record(action="accounts.2fa_reset", actor=by, request=request, obj=user, detail={"devices": removed})

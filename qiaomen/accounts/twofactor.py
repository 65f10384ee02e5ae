"""The second factor (SECURITY line 13): TOTP with django-otp, ten one-time recovery codes.
The security admin's reset lives in qiaomen.accounts.security.

Required for the admin roles, open to every staff user from their account page. Enrolment makes
an unconfirmed device, shows its QR code, and confirms it with a first code; only then are the
recovery codes made, shown once and stored as hashes (qiaomen.core.tokens). A code verifies once:
django-otp refuses a TOTP step already used, a recovery code is marked used. Every step writes
an audit row, or does not happen.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from qiaomen.accounts.models import RecoveryCode, User
from qiaomen.accounts.roles import Role
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Forbidden, InvalidInput, NotFound
from qiaomen.core.models import AuditResult
from qiaomen.core.qrcodes import qr_svg
from qiaomen.core.tokens import token_hash

# Street admins, and the three separated admin duties (三员分立): system, security, audit.
# "system_admin" is the system admin's role value (its Role member comes with user management).
REQUIRED_ROLES = frozenset({Role.STREET_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
RECOVERY_CODES = 10
# Ten characters of an alphabet without look-alikes (0/O, 1/l/I): about 50 bits each, typed by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class SecondFactorFailed(Forbidden):
    def __init__(self) -> None:
        super().__init__("second_factor_failed", _("The code is wrong or has already been used."))


def twofactor_required(user: User) -> bool:
    return user.role in REQUIRED_ROLES


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_enrol_start(*, user: User, request: HttpRequest | None) -> TOTPDevice:
    """A new, unconfirmed authenticator (an earlier unfinished one is dropped)."""
    if totp_device(user) is not None:
        raise InvalidInput("second_factor_enrolled", _("You already use an authenticator app."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(action="auth.2fa_enrol_start", actor=user, request=request, obj=device)
    return device


def totp_pending(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def totp_qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// link as inline SVG; the link and its secret are not echoed as text."""
    return qr_svg(device.config_url, scale=4)


def _recovery_codes_new(user: User) -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=token_hash(code)) for code in codes])
    return codes


def totp_enrol_confirm(*, user: User, code: str, request: HttpRequest | None) -> tuple[TOTPDevice, list[str]]:
    """Confirms the pending authenticator with its first code; returns it and the ten recovery
    codes, which are never shown again."""
    device = totp_pending(user)
    if device is None:
        raise NotFound("second_factor_not_started", _("Start the enrolment again."))
    if not device.verify_token(code.strip()):
        audit_record(action="auth.2fa_enrol", actor=user, request=request, result=AuditResult.DENIED)
        raise SecondFactorFailed
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_new(user)
        audit_record(action="auth.2fa_enrol", actor=user, request=request, obj=device)
    return device, codes


def second_factor_verify(*, user: User, code: str, request: HttpRequest | None) -> TOTPDevice:
    """The second step of a login: a code of the authenticator, or an unused recovery code.
    Returns the device the session is verified with; raises SecondFactorFailed otherwise."""
    device = totp_device(user)
    code = code.strip().replace(" ", "")
    if device is None or not code or len(code) > 32:
        audit_record(action="auth.2fa", actor=user, request=request, result=AuditResult.DENIED)
        raise SecondFactorFailed
    with transaction.atomic():
        if device.verify_token(code):
            audit_record(action="auth.2fa", actor=user, request=request, detail={"with": "totp"})
            return device
        used = RecoveryCode.objects.filter(user=user, code_hash=token_hash(code.lower()), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            audit_record(action="auth.2fa", actor=user, request=request, detail={"with": "recovery_code"})
            return device
    audit_record(action="auth.2fa", actor=user, request=request, result=AuditResult.DENIED)
    raise SecondFactorFailed


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()

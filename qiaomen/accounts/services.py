"""Logging in, tokens for the phone client, ending sessions. Accounts, roles and places are
handed out in services_users."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.lockout import ip_failure_count, ip_throttled, pair_is_locked, pair_reset
from qiaomen.accounts.models import ApiToken, User
from qiaomen.accounts.twofactor import second_factor_verify, totp_device, twofactor_required
from qiaomen.core.audit import audit_record, client_ip
from qiaomen.core.errors import Forbidden
from qiaomen.core.lookups import unique_or_none
from qiaomen.core.models import AuditResult
from qiaomen.core.tokens import token_hash, token_new

# One message for every failure: it must not tell a guesser which usernames exist (SECURITY 12).
LOGIN_FAILED_MESSAGE = "用户名或密码错误，或账号已被暂时锁定"


class LoginFailed(Forbidden):
    def __init__(self) -> None:
        super().__init__("login_failed", LOGIN_FAILED_MESSAGE)


def _login_refused(*, username: str, user: User | None, request: HttpRequest, reason: str) -> LoginFailed:
    audit_record(
        action="auth.login",
        actor=user,
        actor_name=username,
        request=request,
        result=AuditResult.DENIED,
        detail={"reason": reason},
    )
    return LoginFailed()


def user_authenticate(*, username: str, password: str, request: HttpRequest) -> User:
    """Checks the password under the lock-out and the per-IP limit (qiaomen.accounts.lockout);
    writes the audit row either way.

    Raises LoginFailed with one generic message whatever went wrong: a wrong password, an unknown
    user, a locked username + IP pair and a throttled address all look alike.
    """
    username, ip = username.strip()[:150], client_ip(request)
    known = User.objects.filter(username=username).first()
    if ip_throttled(request):
        raise _login_refused(username=username, user=known, request=request, reason="ip_throttled")
    was_locked = pair_is_locked(username=username, ip=ip)
    # Axes sees every try, a locked pair's too: a try while locked makes the lock longer.
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        if was_locked:
            reason = "locked"
        else:
            # Only real wrong passwords count against the address: a locked person retrying
            # must not use up their whole office's allowance.
            ip_failure_count(request)
            reason = "locked" if getattr(request, "axes_locked_out", False) else "bad_credentials"
        raise _login_refused(username=username, user=known, request=request, reason=reason)
    pair_reset(username=username, ip=ip)
    audit_record(action="auth.login", actor=user, request=request)
    return user


def user_logout(*, request: HttpRequest) -> None:
    """Ends the browser session; the audit row is written first, while we still know whose it was."""
    user = request.user
    if isinstance(user, User):
        audit_record(action="auth.logout", actor=user, request=request)
    logout(request)


def user_password_expired(user: User, *, now: dt.datetime | None = None) -> bool:
    """Expiry is optional (等保 asks for it, ASVS advises against forcing it): 0 days = never."""
    if settings.PASSWORD_MAX_AGE_DAYS <= 0 or user.password_changed_at is None:
        return False
    return (now or timezone.now()) - user.password_changed_at > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def api_token_issue(*, username: str, password: str, otp: str = "", request: HttpRequest) -> tuple[str, ApiToken]:
    """The token endpoint: the password under the lock-out, the second factor where the user has
    one or their role requires it (SECURITY 13), then a new token. A temporary password (after a
    reset) gets none: it opens only the password change page."""
    user = user_authenticate(username=username, password=password, request=request)
    if user.must_change_password:
        raise Forbidden(
            "password_change_required", _("Change your temporary password on the staff pages before signing in here.")
        )
    if totp_device(user) is not None:
        second_factor_verify(user=user, code=otp, request=request)
    elif twofactor_required(user):
        audit_record(action="auth.2fa", actor=user, request=request, result=AuditResult.DENIED)
        raise Forbidden("second_factor_enrolment_needed", _("Set up two-step sign-in on the web first."))
    return api_token_create(user=user, request=request)


def api_token_create(*, user: User, request: HttpRequest | None) -> tuple[str, ApiToken]:
    """A new Bearer token (≥ 256 random bits) for a user who has proven who they are; only its
    hash is stored."""
    token = token_new(32)
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=user,
            token_hash=token_hash(token),
            expires_at=timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS),
        )
        audit_record(action="auth.token_issue", actor=user, request=request, obj=record)
    return token, record


def api_token_user(token: str) -> User | None:
    """The active user behind a token, or None if it is unknown, expired, revoked or disabled."""
    now = timezone.now()
    record = unique_or_none(
        ApiToken.objects.select_related("user").filter(
            token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=now
        )
    )
    if record is None or not record.user.is_active:
        return None
    if record.last_used_at is None or now - record.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def api_token_revoke(*, token: str, user: User, request: HttpRequest | None = None) -> bool:
    with transaction.atomic():
        revoked = ApiToken.objects.filter(token_hash=token_hash(token), user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            audit_record(action="auth.token_revoke", actor=user, request=request)
    return bool(revoked)


def user_end_sessions(*, user: User, keep_session_key: str | None = None) -> int:
    """Ends every browser session and token of a user (disabling, password change); a password
    change keeps the browser session it was made in (`keep_session_key`)."""
    ended = 0
    # Deleted through the configured engine, not as rows: with `cached_db` (several servers on
    # Redis) the cached copy must go too, or the session would live on until the cache forgot it.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in (
        Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep_session_key or "").iterator()
    ):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ended

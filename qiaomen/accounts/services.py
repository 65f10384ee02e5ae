"""Logging in, tokens for the phone client, ending sessions. Accounts, roles and places are
handed out in services_users."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import ApiToken, LoginFailure, User
from qiaomen.core.audit import audit_record, client_ip
from qiaomen.core.errors import Forbidden
from qiaomen.core.models import AuditResult
from qiaomen.core.tokens import token_hash, token_new

# One message for every failure: it must not tell a guesser which usernames exist (SECURITY 12).
LOGIN_FAILED_MESSAGE = "用户名或密码错误，或账号已被暂时锁定"


class LoginFailed(Forbidden):
    def __init__(self) -> None:
        super().__init__("login_failed", LOGIN_FAILED_MESSAGE)


def _ip_is_throttled(ip: str, now: dt.datetime) -> bool:
    window_start = now - dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    return LoginFailure.objects.filter(ip=ip, at__gte=window_start).count() >= settings.LOGIN_IP_MAX_FAILURES


def _record_failure(*, username: str, ip: str, request: HttpRequest | None, now: dt.datetime, reason: str) -> None:
    with transaction.atomic():
        LoginFailure.objects.create(ip=ip, at=now)
        user = User.objects.filter(username=username).first()
        if user is not None:
            # Counted in the database, not in Python, so parallel guesses cannot undercount.
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
            user.refresh_from_db(fields=["failed_logins"])
            if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
                User.objects.filter(pk=user.pk).update(
                    locked_until=now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES), failed_logins=0
                )
                reason = "locked"
        audit_record(
            action="auth.login",
            actor=user,
            actor_name=username,
            request=request,
            result=AuditResult.DENIED,
            detail={"reason": reason},
        )


def user_authenticate(*, username: str, password: str, request: HttpRequest | None) -> User:
    """Checks the password with lock-out and per-IP throttling; writes the audit row either way.

    Raises LoginFailed with one generic message whatever went wrong.
    """
    now = timezone.now()
    ip = client_ip(request)
    username = username.strip()[:150]
    if _ip_is_throttled(ip, now):
        _record_failure(username=username, ip=ip, request=request, now=now, reason="ip_throttled")
        raise LoginFailed
    candidate = User.objects.filter(username=username).first()
    if candidate is not None and candidate.locked_until and candidate.locked_until > now:
        _record_failure(username=username, ip=ip, request=request, now=now, reason="locked")
        raise LoginFailed
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        _record_failure(username=username, ip=ip, request=request, now=now, reason="bad_credentials")
        raise LoginFailed
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
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


def api_token_issue(*, username: str, password: str, request: HttpRequest | None) -> tuple[str, ApiToken]:
    """A new Bearer token (≥ 256 random bits); only its hash is stored. A temporary password (after
    a reset) gets none: it opens only the password change page."""
    user = user_authenticate(username=username, password=password, request=request)
    if user.must_change_password:
        raise Forbidden(
            "password_change_required", _("Change your temporary password on the staff pages before signing in here.")
        )
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
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
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
    for session in (
        Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep_session_key or "").iterator()
    ):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ended

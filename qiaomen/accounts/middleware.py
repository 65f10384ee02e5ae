"""Idle time-out and absolute lifetime of browser sessions (SECURITY line 14).

Session and token are separate paths. `request.user` here comes from the session cookie alone
(AuthenticationMiddleware); a Bearer token is checked later by the API (qiaomen.api.auth) and
never makes this middleware look away: a signed-in session is timed out whatever headers travel
with it (issue 12, hole 2). Admins' sessions also need a verified second factor (line 13).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from qiaomen.accounts.models import User
from qiaomen.accounts.twofactor import twofactor_required

STARTED_KEY = "qiaomen_started_at"
SEEN_KEY = "qiaomen_seen_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        if request.user.is_authenticated and _expired(request.session, now):
            logout(request)
        response = self.get_response(request)
        # After the view, so that a sign-in during this request (the login page) starts both
        # clocks at the sign-in, not at the next request, however late that comes.
        if request.user.is_authenticated:
            request.session.setdefault(STARTED_KEY, now)
            # Written at most once a minute so that every request does not rewrite the session.
            if now - request.session.get(SEEN_KEY, 0) > 60:
                request.session[SEEN_KEY] = now
        return response


def _expired(session: SessionBase, now: float) -> bool:
    started, seen = session.get(STARTED_KEY, now), session.get(SEEN_KEY, now)
    return bool(now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS)


class SecondFactorMiddleware:
    """An admin's browser session counts only once their second factor is verified (SECURITY
    line 13). Logins verify it before the session exists; this catches any other way a session
    could appear (a session from before enrolment was required, a reset device), and treats it
    as no session at all: pages send the visitor to the login page, the API answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # OTPMiddleware (earlier in the stack) gives the user is_verified().
        if isinstance(user, User) and twofactor_required(user) and not user.is_verified():  # type: ignore[attr-defined]
            logout(request)
        return self.get_response(request)

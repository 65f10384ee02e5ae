"""Idle time-out and absolute lifetime of browser sessions (SECURITY line 14)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED_KEY = "qiaomen_started_at"
SEEN_KEY = "qiaomen_seen_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.headers.get("Authorization"):
            now = time.time()
            started = request.session.get(STARTED_KEY, now)
            seen = request.session.get(SEEN_KEY, now)
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            else:
                request.session.setdefault(STARTED_KEY, now)
                # Written at most once a minute so that every request does not rewrite the session.
                if now - seen > 60 or SEEN_KEY not in request.session:
                    request.session[SEEN_KEY] = now
        return self.get_response(request)

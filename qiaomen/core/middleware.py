"""Response headers every page needs, and a clear answer when the database is busy."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from qiaomen.core.sqlite.base import request_wait

log = logging.getLogger(__name__)
# Long enough for a burst of writes or an import's transaction to end.
RETRY_AFTER_SECONDS = 5


@functools.lru_cache(maxsize=4)
def content_security_policy(tile_url: str = "") -> str:
    """The policy of every answer. An optional map tile server (settings.MAP_TILE_URL) is the one
    outside host allowed, for images only; its {s} subdomain placeholder becomes a wildcard."""
    images = "img-src 'self' data: blob:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError(f"MAP_TILE_URL is not an http(s) address: {tile_url!r}")
        images += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            images,
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


class SecurityHeadersMiddleware:
    """CSP without inline scripts; no caching of anything a signed-in user sees (SECURITY 6, 24)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No exception for the API docs: ninja's Swagger UI loads its script and styles as files
        # from /static/ and keeps its settings in a JSON block, so the strict policy fits it too.
        policy = content_security_policy(getattr(settings, "MAP_TILE_URL", ""))
        response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.headers.get("Authorization"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def is_database_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and (
        "database is locked" in text or "database or disk is full" in text or "could not obtain lock" in text
    )


class DatabaseBusyMiddleware:
    """A locked or full database answers 503 with Retry-After, never a traceback (SECURITY 34):
    JSON with a code under /api/, a short page elsewhere, in the request's language. On SQLite the
    request waits for the write lock a bounded number of times (core/sqlite/base.py), so a worker
    is free again within about six seconds rather than the 20 s a batch command may wait."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(_remember_busy, dispatch_uid="qiaomen-database-busy")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_wait(connections[DEFAULT_DB_ALIAS]):
            response = self.get_response(request)
        if getattr(request, BUSY_MARK, False) and response.status_code == 500:
            # Raised outside the view (the session saved on the way out): Django has already
            # turned it into its 500 page; the client gets the 503 it can retry instead.
            return busy_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_database_busy(exception) else None


BUSY_MARK = "_qiaomen_database_busy"


def _remember_busy(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Sent by Django for an exception no middleware answered (one raised by a middleware before
    the view, such as the idle time-out's logout), while it is being handled."""
    if request is not None and _busy_in_chain(sys.exc_info()[1]):
        setattr(request, BUSY_MARK, True)


def _busy_in_chain(exc: BaseException | None) -> bool:
    while exc is not None:
        if is_database_busy(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, except when the session cannot be saved on the way out because the database is
    locked or full: the view's answer stands, since the view's own writes are committed by then
    and a 503 (or Django's 400 "session interrupted") would invite a retry that repeats them.
    What is lost is the session's change, usually its last-seen time, written again next time."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, OperationalError) as exc:
            if not _busy_in_chain(exc):
                raise
            log.warning("database busy: the session of %s %s was not saved", request.method, request.path)
            return response


def busy_response(request: HttpRequest) -> HttpResponse:
    """The 503 of a locked or full database. A failed write leaves nothing behind (its transaction
    rolled back); the client's retry with the same client UUID is answered once (SECURITY 29)."""
    log.warning("database busy: %s %s answered 503", request.method, request.path)
    message = gettext("The system is busy; try again later.")
    if request.path.startswith("/api/"):
        body = {"code": "database_busy", "message": message}
        response: HttpResponse = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        page = format_html(
            "<!doctype html><html lang={}><meta charset=utf-8><title>503</title><p>{}</p></html>",
            get_language() or "zh-hans",
            message,
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

"""Response headers every page needs, and a clear answer when the database is busy."""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """CSP without inline scripts; no caching of anything a signed-in user sees (SECURITY 6, 24)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No exception for the API docs: ninja's Swagger UI loads its script and styles as files
        # from /static/ and keeps its settings in a JSON block, so the strict policy fits it too.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
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
    """A locked or full database answers 503 with Retry-After, never a traceback (SECURITY 34)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        body = {"code": "database_busy", "message": "系统繁忙，请稍后重试"}
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
        else:
            response = HttpResponse(
                "<!doctype html><meta charset=utf-8><title>503</title><p>系统繁忙，请稍后重试。</p>",
                status=503,
            )
        response["Retry-After"] = "5"
        return response

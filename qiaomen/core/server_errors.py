"""What a server error answers: an error id, never a traceback (issue 12, hole 7).

The traceback goes to the server log under a short random error id; the caller gets the same id
to quote (JSON `{code: "server_error", message, error_id}` under /api/, the plain 500 page
elsewhere), so that a report can be matched to its log entry without showing the caller any
code, SQL or data. A locked or full database is not a server error: DatabaseBusyMiddleware
answers it with 503.
"""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from qiaomen.core.middleware import is_database_busy

logger = logging.getLogger("qiaomen.server_error")
API_PREFIX = "/api/"
# Shown if the 500 page itself cannot be rendered (a broken template or static manifest).
BARE_PAGE = "<!doctype html><meta charset=utf-8><title>500</title><p>系统出错，请稍后重试。错误编号 {error_id}</p>"


def server_error_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    error_id = secrets.token_hex(6)
    # The path passes through the log filter that hides door and rating tokens (core.access_log).
    logger.error("server error %s on %s %s", error_id, request.method, request.path, exc_info=exc)
    if request.path.startswith(API_PREFIX):
        body = {
            "code": "server_error",
            "message": _("Something went wrong on the server; quote error %(error_id)s if you report it.")
            % {"error_id": error_id},
            "error_id": error_id,
        }
        response: HttpResponse = JsonResponse(body, status=500, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "no-store"
        return response
    page: str
    try:
        page = render_to_string("500.html", {"error_id": error_id})
    except Exception:
        logger.exception("the 500 page could not be rendered for error %s", error_id)
        page = BARE_PAGE.format(error_id=error_id)
    return HttpResponse(page, status=500)


# What Django's exception handling turns into 400, 403 and 404 answers: not server errors.
CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class ServerErrorMiddleware:
    """An exception raised by a view (the API's included) becomes the answer above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, CLIENT_ERRORS) or is_database_busy(exception):
            return None  # Django answers these 4xx itself; DatabaseBusyMiddleware answers 503
        return server_error_response(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an exception outside any view (in a middleware), still being handled here."""
    return server_error_response(request, sys.exc_info()[1])

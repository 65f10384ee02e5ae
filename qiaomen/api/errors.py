"""Every API error is `{"code", "message"}` in the request's language, never a traceback or HTML.

Handlers are installed on the NinjaAPI in urls.py; `responses()` declares the same bodies in the
OpenAPI schema so that clients (and schemathesis) know every status an operation can return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from qiaomen.core.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

UNAUTHORIZED_MESSAGE = _("Please sign in or give a valid access token.")
NOT_FOUND_MESSAGE = _("Not found.")
FORBIDDEN_MESSAGE = _("You are not allowed to do this.")
INVALID_INPUT_MESSAGE = _("The request has invalid parameters; check them and try again.")

# ninja's own HttpErrors (a body that is not JSON, failed authentication, a failed CSRF check of
# a session request, throttling) carry English text; clients get a stable code and a translated
# message instead.
_HTTP_ERRORS: dict[int, tuple[str, StrOrPromise]] = {
    400: ("unreadable_body", _("The request body could not be read; send JSON.")),
    401: ("unauthorized", UNAUTHORIZED_MESSAGE),
    403: ("forbidden", FORBIDDEN_MESSAGE),
    429: ("throttled", _("Too many requests; try again later.")),
}


class ErrorOut(Schema):
    code: str
    message: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    type: str
    msg: str


class ValidationErrorOut(ErrorOut):
    # Empty when a service refuses the input as a whole (InvalidInput: an unknown code, a
    # period written wrong); one entry per field when the request did not parse.
    errors: list[FieldErrorOut] = Field(default_factory=list)


def responses(ok: Any, *error_statuses: int, ok_status: int = 200) -> dict[int, Any]:
    """The response map of an operation: its success body plus the error bodies it can answer.

    503 is always listed: on SQLite a locked database answers it (core.middleware).
    """
    declared: dict[int, Any] = {ok_status: ok}
    for status in (*error_statuses, 503):
        declared[status] = ValidationErrorOut if status == 422 else ErrorOut
    return declared


def install_error_handlers(api: NinjaAPI) -> None:
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, {"code": exc.code, "message": str(exc.message)}, status=exc.status)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same answer for "does not exist" and "outside your places" (SECURITY.md line 17).
        return api.create_response(request, {"code": "not_found", "message": str(NOT_FOUND_MESSAGE)}, status=404)

    def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # ninja has already dropped pydantic's "input": submitted values are never echoed back.
        errors = [{"loc": list(e["loc"]), "type": e["type"], "msg": e["msg"]} for e in exc.errors]
        body = {"code": "invalid_input", "message": str(INVALID_INPUT_MESSAGE), "errors": errors}
        return api.create_response(request, body, status=422)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = _HTTP_ERRORS.get(exc.status_code, ("error", str(exc)))
        response = api.create_response(request, {"code": code, "message": str(message)}, status=exc.status_code)
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = 'Bearer realm="qiaomen"'
        return response

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Raised on to core.server_errors.ServerErrorMiddleware (JSON with an error id, the
        # traceback in the log only) instead of ninja's default, which under DEBUG answers the
        # traceback itself as text.
        raise exc

    # ninja types a handler's exception as `E | type[E]`; it always passes the instance.
    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        DomainError: domain_error,
        Http404: not_found,
        ValidationError: invalid_input,
        HttpError: http_error,
        Exception: server_error,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)


# Mounted last (urls.py): any path under /api/v1/ that no operation matches, such as
# /tickets/abc/accept where an integer id belongs, answers the JSON 404 above rather than the
# staff site's HTML page. No authentication, so it tells nobody more than "not found".
unmatched = Router()


@unmatched.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False)
def unmatched_path(request: HttpRequest, rest: str) -> None:
    raise Http404

"""Every error under /api/ is JSON `{code, message}`, also those that never reach an operation.

Django's URL resolver answers a path that no route matches (`/api/v1/tickets/%0A/similar`: the
path converters stop at a newline) with the staff site's HTML 404, and django-ninja answers a
method an operation does not take with a bare `text/html` 405. A client that parses every answer
as JSON (the phone app, a generated client) then fails on the body instead of reading a code.
This middleware, placed after LocaleMiddleware so that the message is in the request's language,
rewrites such answers; JSON answers and the successful HTML of the API docs pass unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from qiaomen.api.errors import FORBIDDEN_MESSAGE, INVALID_INPUT_MESSAGE, NOT_FOUND_MESSAGE, UNAUTHORIZED_MESSAGE

API_PREFIX = "/api/"
GENERIC = ("error", _("The request could not be handled."))
ERRORS = {
    400: ("bad_request", INVALID_INPUT_MESSAGE),
    401: ("unauthorized", UNAUTHORIZED_MESSAGE),
    403: ("forbidden", FORBIDDEN_MESSAGE),
    404: ("not_found", NOT_FOUND_MESSAGE),
    405: ("method_not_allowed", _("This address does not take this method.")),
    413: ("too_large", _("The request is too large.")),
}
# Headers of the original answer that still hold for the JSON one (405 must name what is allowed).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400 or _is_json(response):
            return response
        code, message = ERRORS.get(response.status_code, GENERIC)
        answer = JsonResponse(
            {"code": code, "message": str(message)},
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        answer["Cache-Control"] = "no-store"
        return answer

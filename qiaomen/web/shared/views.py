"""What every staff page shares: sign-in required, the role's capability checked before any
lookup, domain errors as a message, pagination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import content_disposition_header

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.errors import DomainError

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a `staff_page` view (anonymous visitors never get that far)."""
    user = request.user
    assert isinstance(user, User)
    return user


def user_with(request: HttpRequest, capability: Capability) -> User:
    """The signed-in user if their role has `capability`; 403 before any record is looked up,
    so that a refused role cannot tell records that exist from those that do not."""
    user = current_user(request)
    if not user.can(capability):
        raise PermissionDenied
    return user


def open_with_temporary_password(view: View) -> View:
    """Marks the one page a temporary password opens (the password change), for `staff_page`."""
    view.open_with_temporary_password = True  # type: ignore[attr-defined]
    return view


def staff_page(view: View) -> View:
    """Signed-in users only; a DomainError becomes its Chinese message with its HTTP status.

    htmx requests get a fragment (and a plain redirect header when the session has ended), so
    that a timed-out session never swaps the login page into a corner of another page. A user
    signed in with a temporary password (after a reset) is sent to change it before anything else.
    """
    temporary_allowed = getattr(view, "open_with_temporary_password", False)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if is_htmx(request):
                return HttpResponse(headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
            return redirect_to_login(request.get_full_path())
        if getattr(request.user, "must_change_password", False) and not temporary_allowed:
            if is_htmx(request):
                return HttpResponse(headers={"HX-Redirect": resolve_url("web:password_change")})
            return redirect("web:password_change")
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            template = "web/includes/problem.html" if is_htmx(request) else "web/domain_error.html"
            return render(request, template, {"message": exc.message}, status=exc.status)

    return wrapper  # type: ignore[return-value]


def paginate(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int) -> Page:
    """A page of `items` from ?page=; an out-of-range or malformed page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file the browser saves rather than shows (exports, rejected rows): never cached, since
    each holds personal data; nosniff comes with every answer (SECURE_CONTENT_TYPE_NOSNIFF)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response

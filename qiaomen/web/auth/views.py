"""Signing in and out. The rules (lock-out, throttling, audit) live in accounts.services; the
second step (the code, or enrolment) in web/auth/twofactor.py."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.services import LoginFailed, user_authenticate, user_logout, user_password_expired
from qiaomen.accounts.twofactor import totp_device, twofactor_required
from qiaomen.web.auth.forms import LoginForm
from qiaomen.web.auth.twofactor import pending_start


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: ?next= if it stays on this site, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts=allowed, require_https=request.is_secure()):
        return candidate
    return resolve_url("web:home")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                user = user_authenticate(
                    username=form.cleaned_data["username"], password=form.cleaned_data["password"], request=request
                )
            except LoginFailed as exc:
                error = str(exc.message)
            else:
                if user_password_expired(user):
                    # No session for an expired password: 等保 asks that expiry be enforced.
                    error = _("Your password has expired. Ask an administrator to set a new one.")
                elif totp_device(user) is not None or twofactor_required(user):
                    return pending_start(request, user=user, next_url=_next_url(request))
                else:
                    login(request, user)  # a new session key: no session fixation (SECURITY 14)
                    return redirect(_next_url(request))
        else:
            error = _("Enter your username and password.")
    context = {"form": form, "error": error, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "web/auth/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST only, so that a link or an image on another page cannot sign anyone out."""
    user_logout(request=request)
    return redirect("web:login")

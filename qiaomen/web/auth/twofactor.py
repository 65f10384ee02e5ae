"""The second step of signing in, and enrolling an authenticator app (SECURITY line 13).

Between the password and the code there is no session login yet: the session only remembers,
for SECOND_FACTOR_PENDING_SECONDS, whose password was right. The rules live in
qiaomen.accounts.twofactor.
"""

from __future__ import annotations

import time
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qiaomen.accounts.models import User
from qiaomen.accounts.twofactor import (
    SecondFactorFailed,
    recovery_codes_left,
    second_factor_verify,
    totp_device,
    totp_enrol_confirm,
    totp_enrol_start,
    totp_pending,
    totp_qr_svg,
    twofactor_required,
)
from qiaomen.core.errors import DomainError
from qiaomen.web.auth.forms import CodeForm
from qiaomen.web.shared.views import current_user, staff_page

PENDING_USER = "qiaomen_2fa_user"
PENDING_AT = "qiaomen_2fa_at"
PENDING_NEXT = "qiaomen_2fa_next"


def pending_start(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse:
    """The password was right: ask for the code, or for enrolment where it is required."""
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_AT] = time.time()
    request.session[PENDING_NEXT] = next_url
    return redirect("web:login_code" if totp_device(user) is not None else "web:login_enrol")


def _pending_user(request: HttpRequest) -> User | None:
    started = request.session.get(PENDING_AT, 0)
    user_id = request.session.get(PENDING_USER)
    if user_id is None or time.time() - started > settings.SECOND_FACTOR_PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _complete(request: HttpRequest, *, user: User, device: TOTPDevice) -> str:
    next_url = str(request.session.get(PENDING_NEXT) or "")
    for key in (PENDING_USER, PENDING_AT, PENDING_NEXT):
        request.session.pop(key, None)
    # A new session key: no session fixation (SECURITY 14). The password was checked through
    # axes and the model backend; this step only completes that login.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    return resolve_url(next_url or "web:home")


def _enrol_context(device: TOTPDevice, form: CodeForm, error: str = "") -> dict[str, object]:
    return {
        "qr_svg": totp_qr_svg(device),
        "secret": b32encode(device.bin_key).decode(),
        "form": form,
        "error": error,
    }


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("web:login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
        except SecondFactorFailed as exc:
            error = str(exc.message)
        else:
            return redirect(_complete(request, user=user, device=device))
    return render(request, "web/auth/login_code.html", {"form": form, "error": error})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Forced enrolment: an admin without an authenticator sets one up before the first page."""
    user = _pending_user(request)
    if user is None or totp_device(user) is not None:
        return redirect("web:login")
    return _enrol(request, user=user, forced=True)


@staff_page
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def account_twofactor(request: HttpRequest) -> HttpResponse:
    """Every staff user's page for their second factor: its state, or enrolment."""
    user = current_user(request)
    if totp_device(user) is not None:
        context = {"left": recovery_codes_left(user), "required": twofactor_required(user)}
        return render(request, "web/auth/account_2fa.html", context)
    if request.method == "POST" and request.POST.get("action") == "start":
        totp_enrol_start(user=user, request=request)
        return redirect("web:account_2fa")
    if totp_pending(user) is None:
        return render(request, "web/auth/account_2fa.html", {"required": twofactor_required(user)})
    return _enrol(request, user=user, forced=False)


def _enrol(request: HttpRequest, *, user: User, forced: bool) -> HttpResponse:
    device = totp_pending(user) or totp_enrol_start(user=user, request=request)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = totp_enrol_confirm(user=user, code=form.cleaned_data["code"], request=request)
        except DomainError as exc:
            error = str(exc.message)
        else:
            if forced:
                next_url = _complete(request, user=user, device=device)
            else:
                otp_login(request, device)
                next_url = resolve_url("web:account_2fa")
            # Shown in this answer only, never stored in clear: the next page cannot show them again.
            return render(request, "web/auth/recovery_codes.html", {"codes": codes, "next_url": next_url})
    context = {**_enrol_context(device, form, error), "forced": forced}
    return render(request, "web/auth/enrol.html", context)

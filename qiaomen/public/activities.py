"""Residents' activities from the QR pages, without login (R-PAR-2):

- q/<token>/activities: the household's page lists the coming activities of its community and
  signs the household up, and lists its own sign-ups (a cancelled activity's as cancelled) with a
  button to withdraw each before the activity starts (its own household only: the door code is
  the credential, a sign-up is looked up among that household's; sign-up and withdrawal share
  the rate limits of the other QR actions; no name, address or other household is shown);
- a/<token>: the code printed at an activity's door. A scan checks the household in, only while
  the activity runs, and a household counts once.

How a scan knows the household: the activity's code names only the activity. The household's
own page (reached by its door code, on its door or a personal code card) leaves a signed,
HTTP-only cookie on the phone naming that door code; the check-in page reads it and asks the door
code again, so a revoked code checks nobody in. A phone that never opened its household's page
is told to do so first. Unknown activity tokens count as QR misses per IP, like door codes.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qiaomen.core.audit import client_ip
from qiaomen.core.errors import DomainError
from qiaomen.core.ratelimits import limit_hit, limit_reached
from qiaomen.participation.activities.activities import activity_by_checkin_token, activity_checkin, activity_signup
from qiaomen.participation.activities.changes import signup_withdraw
from qiaomen.participation.activities.residents import activities_open_to, household_signups
from qiaomen.participation.models.activities import Activity, AttendanceVia, SignUp, SignUpChannel
from qiaomen.public.views import (
    _code_limits,
    _door_code,
    _ip_limits,
    _message,
    _miss_limits,
    _per_minute_hit,
    _too_many,
)
from qiaomen.registry.models import DoorCode, Household
from qiaomen.tickets.doorcodes.codes import door_code_live

HOUSEHOLD_COOKIE = "qm_household"
COOKIE_SALT = "qiaomen.public.activities"
COOKIE_AGE = 400 * 24 * 3600  # a year of activities, and some


def _remember(request: HttpRequest, response: HttpResponse, code: DoorCode) -> HttpResponse:
    response.set_signed_cookie(
        HOUSEHOLD_COOKIE,
        str(code.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _remembered(request: HttpRequest) -> DoorCode | None:
    """The live door code this phone opened last, or None."""
    try:
        pk = int(request.get_signed_cookie(HOUSEHOLD_COOKIE, salt=COOKIE_SALT, max_age=COOKIE_AGE) or "")
    except (KeyError, ValueError, signing.BadSignature):
        return None
    return door_code_live(pk)


@never_cache
@require_http_methods(["GET", "POST"])
def door_activities(request: HttpRequest, token: str) -> HttpResponse:
    code = _door_code(request, token)
    if isinstance(code, HttpResponse):
        return code
    household = code.household
    if request.method == "POST":
        if limit_reached(request, group="qr-activity-code", key=str(code.pk), limits=_code_limits()) or limit_reached(
            request, group="qr-activity-ip", key=client_ip(request), limits=_ip_limits()
        ):
            return _too_many(request)
        withdrawing = "withdraw" in request.POST
        refused = _withdraw(request, household) if withdrawing else _sign_up(request, household)
        if refused is not None:
            return _remember(request, refused, code)
        limit_hit(request, group="qr-activity-code", key=str(code.pk), limits=_code_limits())
        limit_hit(request, group="qr-activity-ip", key=client_ip(request), limits=_ip_limits())
        return _remember(request, redirect(request.path + ("?withdrawn=1" if withdrawing else "?sent=1")), code)
    now = timezone.now()
    context = {
        "street": household.building.grid.community.street.name,
        "activities": activities_open_to(household, now=now)[:30],
        "signups": household_signups(household, now=now),
        "now": now,
        "sent": request.GET.get("sent") == "1",
        "withdrawn": request.GET.get("withdrawn") == "1",
    }
    return _remember(request, render(request, "public/activities.html", context), code)


def _sign_up(request: HttpRequest, household: Household) -> HttpResponse | None:
    """Sign the household up for one of the activities open to it; None when done."""
    try:
        activity = activities_open_to(household, now=timezone.now()).get(pk=int(request.POST.get("activity") or ""))
    except (ValueError, Activity.DoesNotExist):
        return _message(request, gettext("This activity is not open for sign-up."), 404)
    try:
        activity_signup(activity=activity, household=household, channel=SignUpChannel.QR, request=request)
    except DomainError as exc:
        return _message(request, str(exc.message), exc.status)
    return None


def _withdraw(request: HttpRequest, household: Household) -> HttpResponse | None:
    """Take back one of the household's own sign-ups (another household's is not found); None
    when done."""
    try:
        signup = household_signups(household, now=timezone.now()).get(pk=int(request.POST.get("withdraw") or ""))
    except (ValueError, SignUp.DoesNotExist):
        return _message(request, gettext("This sign-up is not on your household's list."), 404)
    try:
        signup_withdraw(signup=signup, request=request)
    except DomainError as exc:
        return _message(request, str(exc.message), exc.status)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def activity_checkin_page(request: HttpRequest, token: str) -> HttpResponse:
    ip = client_ip(request)
    if limit_reached(request, group="qr-miss", key=ip, limits=_miss_limits()) or _per_minute_hit(
        request, group="qr-view", limit=settings.QR_VIEWS_PER_IP_PER_MINUTE
    ):
        return _too_many(request)
    activity = activity_by_checkin_token(token)
    if activity is None:
        if limit_hit(request, group="qr-miss", key=ip, limits=_miss_limits()):
            return _too_many(request)
        return _message(request, gettext("This activity code is not valid."), 404)
    code = _remembered(request)
    context = {"activity": activity, "known": code is not None, "done": False, "again": False}
    if request.method == "POST" and code is not None:
        try:
            _, created = activity_checkin(
                activity=activity, household=code.household, via=AttendanceVia.SCAN, request=request
            )
        except DomainError as exc:
            return _message(request, str(exc.message), exc.status)
        context.update({"done": True, "again": not created})
    refused = request.method == "POST" and code is None
    return render(request, "public/checkin.html", context, status=403 if refused else 200)

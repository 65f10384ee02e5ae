"""How django-axes locks logins here (SECURITY line 12, hole 8), and the per-IP failure limit.

A lock holds a username + IP pair, never a whole account or a whole address: an attacker's
guesses from elsewhere do not lock the street admin out, and one person's mistakes do not lock
their colleagues behind the same office NAT. The lock grows: LOGIN_LOCK_MINUTES after the
LOGIN_MAX_FAILURES-th wrong password, and each further try while locked doubles it (up to
LOGIN_LOCK_MAX_MINUTES). Everything counts in the shared cache (see qiaomen.core.cache).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache, get_client_cache_keys
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from qiaomen.core.audit import client_ip
from qiaomen.core.ratelimits import Limit, limit_hit, limit_reached


class LockoutHandler(AxesCacheHandler):
    """Axes' cache handler; it notes on the request how many failures the pair had before this
    one, so that the cool-off (computed before axes counts this failure) can grow with them."""

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        if request is not None:
            request.qiaomen_failures_before = self.get_failures(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)


def lock_duration(failures: int) -> dt.timedelta:
    """How long a pair stays locked after its `failures`-th failure (the counter lives as long)."""
    base = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    ceiling = dt.timedelta(minutes=settings.LOGIN_LOCK_MAX_MINUTES)
    doublings = max(0, failures - settings.LOGIN_MAX_FAILURES)
    if doublings >= 32:  # beyond any ceiling; keeps the multiplication small
        return ceiling
    return min(base * 2**doublings, ceiling)


def lockout_cool_off(request: HttpRequest | None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the failure count of this pair, this failure included, decides."""
    before = getattr(request, "qiaomen_failures_before", None)
    if before is None:
        return lock_duration(settings.LOGIN_MAX_FAILURES)
    return lock_duration(before + 1)


def lockout_response(request: HttpRequest, original_response: HttpResponse, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the view already answered with its one generic message (a locked
    pair must look exactly like a wrong password), so that answer stands."""
    return original_response


def pair_failures(*, username: str, ip: str) -> int:
    """Failures counted against a username + IP pair (0 once its lock has run out)."""
    keys = get_client_cache_keys(AccessAttempt(username=username, ip_address=ip, user_agent=""))
    cache = get_cache()
    return max((int(cache.get(key, 0)) for key in keys), default=0)


def pair_is_locked(*, username: str, ip: str) -> bool:
    return pair_failures(username=username, ip=ip) >= settings.LOGIN_MAX_FAILURES


def pair_reset(*, username: str, ip: str) -> bool:
    """Forgets the pair's failures (a good password, an unlock); True if it was locked."""
    locked = pair_is_locked(username=username, ip=ip)
    cache = get_cache()
    for key in get_client_cache_keys(AccessAttempt(username=username, ip_address=ip, user_agent="")):
        cache.delete(key)
    return locked


def _ip_failures(request: HttpRequest) -> dict[str, Any]:
    window = Limit(settings.LOGIN_IP_MAX_FAILURES, settings.LOGIN_LOCK_MINUTES * 60)
    return {"group": "login-ip-failures", "key": client_ip(request) or "unknown", "limits": [window]}


def ip_throttled(request: HttpRequest) -> bool:
    """True once this address has had LOGIN_IP_MAX_FAILURES wrong passwords in the window."""
    return limit_reached(request, **_ip_failures(request))


def ip_failure_count(request: HttpRequest) -> None:
    limit_hit(request, **_ip_failures(request))

"""Rate limits through django-ratelimit, counted in the shared cache (see qiaomen.core.cache), so
every server process sees the same counts. Each Limit is a fixed window, as django-ratelimit keeps
them; the caller names what is counted (`key`: an IP, a door code, an Open311 key)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django_ratelimit.core import get_usage


@dataclass(frozen=True)
class Limit:
    count: int  # at most this many events …
    seconds: int  # … in a window of this length


def _used(request: HttpRequest, *, group: str, key: str, limit: Limit, increment: bool) -> int:
    usage = get_usage(
        request,
        group=f"{group}:{limit.seconds}",
        key=lambda _group, _request: key,
        rate=(limit.count, limit.seconds),
        increment=increment,
    )
    if usage is None:  # RATELIMIT_ENABLE is off
        return 0
    # A cache that failed to answer reports a limit of 0: then the limit holds (fail closed).
    return int(usage["count"]) if int(usage["limit"]) else limit.count + 1


def limit_reached(request: HttpRequest, *, group: str, key: str, limits: Sequence[Limit]) -> bool:
    """True if one more event would go over any of the limits; counts nothing."""
    return any(_used(request, group=group, key=key, limit=limit, increment=False) >= limit.count for limit in limits)


def limit_hit(request: HttpRequest, *, group: str, key: str, limits: Sequence[Limit]) -> bool:
    """Counts one event against every limit; True if it went over any of them."""
    used = [(_used(request, group=group, key=key, limit=limit, increment=True), limit.count) for limit in limits]
    return any(count > allowed for count, allowed in used)

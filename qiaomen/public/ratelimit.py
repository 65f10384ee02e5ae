"""Limits for the public pages, kept in the cache so that every server process shares them
(LocMem in tests and on one process; Redis when REDIS_URL is set).

Each limit is a sliding window approximated by two fixed buckets: the current bucket's count
plus the previous bucket's count weighted by how much of it still lies inside the window. That
is two cache keys per limit, no lists of timestamps, and a burst at a bucket boundary cannot get
twice the limit through, which plain fixed windows allow.

The tokens carry 192 random bits, so guessing is hopeless; the limits keep a script from
hammering the database with guesses, and one household's code from flooding a department.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Limit:
    count: int  # at most this many events …
    seconds: int  # … in any window of this length


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by whoever sends the request.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(scope: str, key: str, limit: Limit, now: float) -> tuple[str, str, float]:
    bucket, into = divmod(now, limit.seconds)
    base = f"ratelimit:{scope}:{limit.seconds}:{key}"
    return f"{base}:{int(bucket)}", f"{base}:{int(bucket) - 1}", into / limit.seconds


def _estimate(current: int, previous: int, elapsed: float) -> float:
    return current + previous * (1.0 - elapsed)


def _count(key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, ttl)
        return 1


def limit_reached(*, scope: str, key: str, limits: Sequence[Limit]) -> bool:
    """True if one more event would go over any of the limits; counts nothing."""
    now = timezone.now().timestamp()
    for limit in limits:
        current_key, previous_key, elapsed = _keys(scope, key, limit, now)
        values = cache.get_many([current_key, previous_key])
        if _estimate(values.get(current_key, 0), values.get(previous_key, 0), elapsed) + 1 > limit.count:
            return True
    return False


def limit_hit(*, scope: str, key: str, limits: Sequence[Limit]) -> bool:
    """Counts one event against every limit; True if it went over any of them."""
    now = timezone.now().timestamp()
    over = False
    for limit in limits:
        current_key, previous_key, elapsed = _keys(scope, key, limit, now)
        current = _count(current_key, limit.seconds * 2)
        previous = cache.get(previous_key, 0)
        over = over or _estimate(current, previous, elapsed) > limit.count
    return over


def over_limit(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Counts this request; True once the IP has made more than `limit` in the last minute."""
    return limit_hit(scope=scope, key=client_ip(request), limits=[Limit(limit, WINDOW_SECONDS)])

"""A small per-IP limiter for the public pages, kept in the cache (fixed one-minute windows).

The token already carries 192 random bits, so guessing is hopeless; the limit keeps a script
from hammering the database with guesses or replays all the same.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

WINDOW_SECONDS = 60


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by whoever sends the request.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Counts this request; True once the IP has made more than `limit` in the current minute."""
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, WINDOW_SECONDS * 2)
        count = 1
    return count > limit

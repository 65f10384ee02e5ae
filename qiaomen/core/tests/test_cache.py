"""The database cache's increment keeps the entry's expiry (rate-limit windows are hours or a
day long; Django's get-then-set would cut each to the default five minutes)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import timezone

from qiaomen.core.cache import AtomicDatabaseCache

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(bool(settings.REDIS_URL), reason="REDIS_URL is set: the cache is Redis"),
]


def test_the_shared_cache_is_the_atomic_database_cache_without_redis() -> None:
    assert isinstance(caches["default"], AtomicDatabaseCache)


def test_an_increment_keeps_the_window_of_the_counter() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        cache.set("window", 1, timeout=3600)
        assert cache.incr("window") == 2
        assert cache.incr("window", 3) == 5
        clock.shift(dt.timedelta(minutes=59))
        assert cache.get("window") == 5
        clock.shift(dt.timedelta(minutes=2))
        assert cache.get("window") is None


def test_an_expired_or_missing_counter_cannot_be_incremented() -> None:
    with pytest.raises(ValueError):
        cache.incr("never-set")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        cache.set("short", 1, timeout=10)
        clock.shift(dt.timedelta(seconds=11))
        with pytest.raises(ValueError):
            cache.incr("short")

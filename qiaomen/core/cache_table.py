"""The database cache's table is made wherever `migrate` runs.

Login lock-outs, rate limits and (without Redis) the shared counters live in Django's database
cache, whose table `migrate` does not make: Django leaves it to `createcachetable`. An install,
a benchmark or a deploy script that ran only `migrate` then answered every login with a server
error ("no such table: qiaomen_cache"). After the last app is migrated, this makes the table on
the database just migrated; `createcachetable` does nothing when it already exists.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.management import call_command


def cache_table_create(sender: AppConfig, *, using: str = "default", verbosity: int = 1, **_kwargs: Any) -> None:
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))

"""The rows every recorded visit is checked against: the visit type, the visit policy and the
pauses of the day, kept in each server process for a short while.

They change a few times a year (an admin edits a questionnaire, a typhoon pauses visits) and are
read on every visit a phone sends: three queries, 0.31, 0.19 and 0.40 ms of process time, about
an eighth of recording a visit (bench/visits_post.py, profiled in process). A process keeps what
it read for KEPT_SECONDS and forgets it at once when it changes a row itself (the signals below,
and `pauses_changed` for the lift, which is an UPDATE); another server process sees the change
within KEPT_SECONDS, the time between two knocks on a door.

Only what was read outside a transaction is kept: inside one, a row may be uncommitted (and
rolled back), and a test's transaction never leaves a row behind for the next test.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from qiaomen.places.models import Grid
from qiaomen.visits import selectors
from qiaomen.visits.models import VisitPause, VisitPolicy, VisitType

KEPT_SECONDS = 30.0
# Pauses are kept per day, and a phone's queue may span 60 days: past this many rows, everything
# kept is dropped before the next is kept, so a process that runs for months holds no more.
KEPT_MOST = 256
Value = TypeVar("Value")

_kept: dict[tuple[Any, ...], tuple[float, Any]] = {}


def _read_kept(key: tuple[Any, ...], read: Callable[[], Value]) -> Value:
    now = time.monotonic()
    hit = _kept.get(key)
    if hit is not None and hit[0] > now:
        value: Value = hit[1]
        return value
    value = read()
    if not connection.in_atomic_block:
        if len(_kept) >= KEPT_MOST:
            _kept.clear()
        _kept[key] = (now + KEPT_SECONDS, value)
    return value


def active_visit_type(code: str) -> VisitType | None:
    """visits.selectors.active_visit_type, kept."""
    return _read_kept(("type", code), lambda: selectors.active_visit_type(code))


def policy() -> VisitPolicy:
    return _read_kept(("policy",), selectors.visit_policy)


def pauses_on(day: dt.date) -> dict[int, VisitPause]:
    """Grid id → the pause that stops visits there on `day` (visits.selectors.paused_grid_ids)."""
    return _read_kept(("pauses", day), lambda: selectors.paused_grid_ids(on=day))


def forget(**_signal: Any) -> None:
    """Drop everything kept: a row they come from has changed in this process."""
    _kept.clear()


def pauses_changed() -> None:
    """A pause was changed by an UPDATE (no signal): forget what was kept."""
    forget()


for _model in (VisitType, VisitPolicy, VisitPause, Grid):  # a grid's community decides its pauses
    post_save.connect(forget, sender=_model, dispatch_uid=f"visits.reference.{_model.__name__}.save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"visits.reference.{_model.__name__}.delete")
for _through in (VisitPause.communities.through, VisitPause.grids.through):
    m2m_changed.connect(forget, sender=_through, dispatch_uid=f"visits.reference.{_through.__name__}")

"""The simulated clock: events run in the order they happened, each at its own moment.

Every event is a call of a real service at a simulated moment. The clock is moved there with
time-machine (one traveller for the whole run, moved from event to event), so that every
timestamp the services write (created_at, the events, the audit chain) says when it happened.
The events of one simulated day run in one transaction: the services' own atomic blocks become
savepoints, and a day costs one commit instead of thousands.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable

import time_machine
from django.db import transaction

from qiaomen.core.workdays import CHINA

Action = Callable[[dt.datetime], None]


class Timeline:
    def __init__(self, *, start: dt.datetime, end: dt.datetime) -> None:
        self.start = start
        self.end = end  # events after this moment (the real now) have not happened yet
        self._queue: list[tuple[dt.datetime, int, Action]] = []
        self._sequence = 0
        self.current = start

    def at(self, moment: dt.datetime, action: Action) -> bool:
        """Run `action(moment)` at `moment`; False (and nothing) if that is after the end."""
        if moment > self.end:
            return False
        # Nothing happens before what is happening now: a late schedule runs right after it.
        moment = max(moment, self.current)
        heapq.heappush(self._queue, (moment, self._sequence, action))
        self._sequence += 1
        return True

    def run(self, *, on_day: Callable[[dt.date], None] | None = None) -> None:
        """Run every event in order; `on_day(day)` before each simulated day's events (progress)."""
        traveller = time_machine.travel(self.start, tick=False)
        clock = traveller.start()
        try:
            while self._queue:
                day = self._queue[0][0].astimezone(CHINA).date()
                if on_day is not None:
                    on_day(day)
                with transaction.atomic():
                    while self._queue and self._queue[0][0].astimezone(CHINA).date() == day:
                        moment, _, action = heapq.heappop(self._queue)
                        self.current = moment
                        clock.move_to(moment)
                        action(moment)
        finally:
            traveller.stop()

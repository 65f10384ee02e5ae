"""An inbox's tickets in its order, read a page at a time: overdue first, then the rest, each
part by its next deadline (escalate_after, none last), then by number.

`selectors.tickets_by_deadline` says the same order in one query, ranking each ticket by a CASE
on the current time; no index can hold that rank, so the database reads and sorts every pending
ticket of the inbox for each page: about 105,000 for a street admin at 1,000,000 households,
408 ms (bench/city.py). Here each part is its own query in the order of the index
`ticket_inbox_order` (its deadline, then its number, over pending tickets only), so a page reads
about as many index entries as it shows. `test_inbox_order.py` holds the two orders equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import overload

from django.db.models import F, QuerySet

from qiaomen.accounts.models import User
from qiaomen.tickets.models import Ticket
from qiaomen.tickets.selectors import inbox_pending, overdue_q

# The order within each part, which the index ticket_inbox_order is kept in.
PART_ORDER = (F("escalate_after").asc(nulls_last=True), "pk")


class InboxOrder(Sequence[Ticket]):
    """`pending` (an inbox's tickets, all of them pending) in the inbox's order, as a Paginator
    reads it: its length, and a page as a slice."""

    def __init__(self, pending: QuerySet[Ticket], *, now: dt.datetime) -> None:
        self.overdue = pending.filter(overdue_q(now)).order_by(*PART_ORDER)
        self.rest = pending.exclude(overdue_q(now)).order_by(*PART_ORDER)
        self._pending = pending

    @cached_property
    def _count(self) -> int:
        return self._pending.order_by().count()

    def __len__(self) -> int:
        """The inbox's size, counted once (a Paginator asks for it by len())."""
        return self._count

    @overload
    def __getitem__(self, index: int) -> Ticket: ...

    @overload
    def __getitem__(self, index: slice) -> list[Ticket]: ...

    def __getitem__(self, index: int | slice) -> Ticket | list[Ticket]:
        if isinstance(index, int):
            found = self._page(index, index + 1) if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step not in (None, 1):
            raise ValueError("an inbox is read a page at a time: [start:stop]")
        return self._page(index.start or 0, index.stop)

    def __iter__(self) -> Iterator[Ticket]:
        yield from self.overdue.iterator()
        yield from self.rest.iterator()

    def _page(self, start: int, stop: int | None) -> list[Ticket]:
        if stop is None or start < 0 or stop < start:
            raise ValueError("an inbox's page needs 0 <= start <= stop")
        page = list(self.overdue[start:stop])
        if len(page) == stop - start:
            return page
        # The overdue part ends on this page (its count is where the page's first rest ticket
        # starts) or before it (then its count is asked for once).
        overdue_count = start + len(page) if page or start == 0 else self.overdue.count()
        return page + list(self.rest[max(start - overdue_count, 0) : stop - overdue_count])


def inbox_in_order(user: User, *, now: dt.datetime) -> InboxOrder:
    """The user's inbox (selectors.inbox_pending) in its order, for a page of it."""
    return InboxOrder(inbox_pending(user), now=now)

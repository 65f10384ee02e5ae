"""Records a client may send more than once (a phone on a bad network resending a visit, a
retried ticket POST): the first copy creates the record, every later copy gets that record back.

The database decides, not the look-up: each such table has a unique constraint on the client's
key, and a copy that loses the race to another arriving at the same moment meets IntegrityError
and answers with the winner (SECURITY line 29). Used by visits (the phone's `client_uuid`), tickets
(the `Idempotency-Key` header, unique per user) and residents' rights requests (the form's
submission id); visits and tickets then check that the copy really is a resend of the record
found, and refuse it otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction

Record = TypeVar("Record", bound=models.Model)
Checked = TypeVar("Checked")


def create_once(*, find: Callable[[], Record | None], create: Callable[[], Record]) -> tuple[Record, bool]:
    """(record, created): the record already stored under the client's key (created False), or
    the one `create` writes. `create` validates and writes in one transaction; validation runs
    only for a first copy, so a resend is answered even when its input would no longer pass
    (a visit time that has meanwhile aged past the offline limit)."""
    return create_once_checked(find=find, check=lambda: None, create=lambda _checked: create())


def create_once_checked(
    *, find: Callable[[], Record | None], check: Callable[[], Checked], create: Callable[[Checked], Record]
) -> tuple[Record, bool]:
    """create_once, with the first copy's validation and the reads it needs (`check`) done before
    the write transaction opens, and `create` given what `check` returned. On SQLite a write
    transaction holds the database's one write lock from its BEGIN: every read done outside it
    is time other requests do not wait (bench/visits_post.py)."""
    existing = find()
    if existing is not None:
        return existing, False
    checked = check()
    try:
        with transaction.atomic():
            return create(checked), True
    except IntegrityError:
        # Another copy arrived at the same moment and won; any other integrity error is raised.
        winner = find()
        if winner is None:
            raise
        return winner, False

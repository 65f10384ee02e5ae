"""The end of the audit chain is anchored (hole 5) and its start is trimmed only by retention."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from qiaomen.core.audit import audit_record, audit_verify
from qiaomen.core.audit_anchors import audit_anchor_write, audit_trim
from qiaomen.core.errors import Conflict
from qiaomen.core.models import AnchorKind, AuditAnchor, AuditEntry
from qiaomen.core.tasks import audit_anchor_every_ten_minutes
from qiaomen.testing import delete_audit_rows_after, tamper_with_audit_row

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEntry]:
    return [audit_record(action="test.event", actor_name="tester", detail={"n": i}) for i in range(n)]


def test_hole_5_deleting_the_newest_rows_is_named_as_a_gap_against_the_anchor(caplog: pytest.LogCaptureFixture) -> None:
    entries = _write(5)
    with caplog.at_level(logging.INFO, logger="qiaomen.core.audit_anchors"):
        audit_anchor_every_ten_minutes()  # the periodic job, run at once in tests
    anchor = AuditAnchor.objects.get()
    head = entries[-1]
    assert (anchor.kind, anchor.entry_count, anchor.last_entry_id, anchor.last_hash) == (
        AnchorKind.HEAD,
        5,
        head.pk,
        head.row_hash,
    )
    # The copy outside the database.
    assert f"count 5 last row #{head.pk} hash {head.row_hash}" in caplog.text

    delete_audit_rows_after(entries[2].pk)

    checked, broken = audit_verify()
    assert checked == 3 and broken is not None
    when = anchor.at.astimezone(dt.UTC).isoformat(timespec="seconds")
    assert broken.reason == (
        f"rows after #{entries[2].pk} missing: anchor at {when} said count 5, hash {head.row_hash} (row #{head.pk})"
    )
    with pytest.raises(CommandError, match=f"rows after #{entries[2].pk} missing"):
        call_command("audit_verify")


def test_hole_5_rows_written_after_the_deletion_do_not_hide_it() -> None:
    """New rows chain on to the shortened log and look whole; the anchored row is still missing."""
    entries = _write(4)
    audit_anchor_write()
    delete_audit_rows_after(entries[1].pk)
    _write(3)

    _, broken = audit_verify()

    assert broken is not None and broken.entry_id == entries[3].pk
    assert "missing" in broken.reason


def test_hole_5_an_intact_chain_agrees_with_every_anchor() -> None:
    _write(3)
    first = audit_anchor_write()
    _write(2)
    second = audit_anchor_write()

    assert first is not None and second is not None and (first.entry_count, second.entry_count) == (3, 5)
    assert audit_verify() == (5, None)
    call_command("audit_verify")


def test_an_unchanged_head_is_not_anchored_twice() -> None:
    assert audit_anchor_write() is None  # an empty log has no head
    _write(2)
    assert audit_anchor_write() == audit_anchor_write()
    assert AuditAnchor.objects.count() == 1


def test_security_21_the_database_refuses_to_edit_or_delete_anchors() -> None:
    _write(1)
    anchor = audit_anchor_write()
    assert anchor is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditAnchor.objects.filter(pk=anchor.pk).update(entry_count=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditAnchor.objects.filter(pk=anchor.pk).delete()


def test_security_23_trimming_removes_only_the_old_prefix_and_the_chain_still_verifies() -> None:
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        old = _write(3)
    with time_machine.travel(dt.datetime(2026, 8, 1, tzinfo=dt.UTC), tick=False):
        young = _write(2)
        audit_anchor_write()

        assert audit_trim(older_than=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)) == 3

    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [e.pk for e in young]
    trim = AuditAnchor.objects.get(kind=AnchorKind.TRIM)
    assert (trim.entry_count, trim.last_entry_id, trim.last_hash) == (3, old[-1].pk, old[-1].row_hash)
    assert audit_verify() == (2, None)  # the head anchor's count 5 still holds: 3 trimmed + 2
    # A row after the trim mark stays undeletable.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=young[0].pk).delete()


def test_security_23_a_broken_chain_is_never_trimmed() -> None:
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        entries = _write(3)
    tamper_with_audit_row(entries[1].pk)

    with pytest.raises(Conflict):
        audit_trim(older_than=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))

    assert AuditEntry.objects.count() == 3

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from qiaomen.core.audit import audit_record, audit_verify
from qiaomen.core.models import AuditEntry
from qiaomen.testing import tamper_with_audit_row


@pytest.mark.django_db(transaction=True)
def test_security_21_audit_verify_names_the_first_broken_row() -> None:
    entries = [audit_record(action="test.event", actor_name="tester", detail={"n": n}) for n in range(5)]
    assert audit_verify() == (5, None)
    tamper_with_audit_row(entries[2].pk)
    checked, broken = audit_verify()
    assert broken is not None and broken.entry_id == entries[2].pk and checked == 2
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 行"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_security_21_the_database_refuses_to_update_or_delete_audit_rows() -> None:
    entry = audit_record(action="test.event", actor_name="tester")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_security_21_each_row_carries_the_hash_of_the_one_before() -> None:
    first = audit_record(action="a", actor_name="x")
    second = audit_record(action="b", actor_name="x")
    assert second.prev_hash == first.row_hash


QIAOMEN = Path(__file__).resolve().parents[2]
# A query on the audit tables that writes to rows that exist.
_EDIT = re.compile(r"Audit(Entry|Anchor)\.objects\b[^\n]*\.(update|delete|bulk_update|update_or_create|raw)\(")


def test_security_21_no_code_path_edits_or_deletes_audit_rows() -> None:
    """Outside the tests only retention's trim deletes, and only rows a trim anchor covers (the
    trigger refuses the rest); nothing edits a row. A new model method or helper that does would
    show up here."""
    found = {
        f"{path.relative_to(QIAOMEN)}: {line.strip()}"
        for path in QIAOMEN.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if _EDIT.search(line)
    }
    assert found == {"core/audit_anchors.py: AuditEntry.objects.filter(pk__lte=last.pk).delete()"}

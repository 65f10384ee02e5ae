from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from qiaomen.core.audit import audit_record, audit_verify
from qiaomen.core.models import AuditEntry
from qiaomen.testing import tamper_with_audit_row


@pytest.mark.django_db(transaction=True)
def test_audit_verify_names_the_row_edited_directly_in_the_database() -> None:
    entries = [audit_record(action="test.event", actor_name="tester", detail={"n": n}) for n in range(5)]
    assert audit_verify() == (5, None)
    tamper_with_audit_row(entries[2].pk)
    checked, broken = audit_verify()
    assert broken is not None and broken.entry_id == entries[2].pk and checked == 2
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 行"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_the_database_refuses_to_update_or_delete_audit_rows() -> None:
    entry = audit_record(action="test.event", actor_name="tester")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_rows_chain_to_each_other() -> None:
    first = audit_record(action="a", actor_name="x")
    second = audit_record(action="b", actor_name="x")
    assert second.prev_hash == first.row_hash

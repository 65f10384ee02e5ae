"""The demo street seeds residents' rights requests through the services: one done with its
masked history, one open, one overdue, so the rights page shows real figures."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.core.models import AuditEntry
from qiaomen.demo.rights import DEMO_RIGHTS_WORKER
from qiaomen.demo.seed import demo_street_create
from qiaomen.registry.models import RecordChange, RightsChannel, RightsKind, RightsStatus
from qiaomen.tickets.rights.selectors import rights_request_history, rights_request_rows

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_done_an_open_and_an_overdue_rights_request() -> None:
    demo = demo_street_create(households=40, seed=3, password="Knock-knock-2026")
    assert demo.counts["rights_requests"] == 3
    worker = User.objects.get(username=DEMO_RIGHTS_WORKER)
    rows = rights_request_rows(worker, now=timezone.now())
    assert [(r.request.kind, r.request.status, r.overdue) for r in rows] == [
        (RightsKind.DELETE, RightsStatus.RECEIVED, True),
        (RightsKind.SEE, RightsStatus.IN_PROGRESS, False),
        (RightsKind.CORRECT, RightsStatus.DONE, False),
    ]
    overdue, _open, done = (row.request for row in rows)
    assert overdue.channel == RightsChannel.QR and overdue.door_code is not None
    assert [step.action for step in rights_request_history(done)] == ["receive", "start", "done"]
    assert done.person is not None
    change = RecordChange.objects.get(object_type="person", object_id=done.person.pk, field="phone")
    assert "****" in change.old_masked and "****" in change.new_masked
    assert AuditEntry.objects.filter(action="rightsrequest.receive").count() == 3

"""Every stateful model's transition table is what claim_transition obeys: for every pair of
states (old, new), the claim succeeds exactly when the table lists new under old, and a refused
one changes nothing (no new version, no event, no audit row)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import models
from django.utils import timezone

from qiaomen.core.errors import Conflict
from qiaomen.core.models import AuditEntry
from qiaomen.core.transitions import claim_transition, state_field
from qiaomen.registry.models import RightsChannel, RightsKind, RightsRequest, RightsStatus
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, SpotCheck, SpotCheckResult, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create
from qiaomen.visits.models import Outcome, PlannedVisit, PlanStatus, VerificationRequest, VerificationStatus, Visit

pytestmark = pytest.mark.django_db


def _ticket(street: SmallStreet) -> Ticket:
    return ticket_create(
        channel=Channel.STAFF,
        description="老人需要助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=street.household_a,
        created_by=street.users["worker_a"],
    )


def _spot_check(street: SmallStreet) -> SpotCheck:
    return SpotCheck.objects.create(ticket=_ticket(street), reason="sample", created_at=timezone.now())


def _plan(street: SmallStreet) -> PlannedVisit:
    return PlannedVisit.objects.create(
        household=street.household_a, planned_for=dt.date(2026, 12, 10), created_by=street.users["worker_a"]
    )


def _verification(street: SmallStreet) -> VerificationRequest:
    now = timezone.now()
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=street.household_a,
        grid=street.grid_a,
        worker=street.users["worker_a"],
        visited_at=now,
        received_at=now,
        outcome=Outcome.MOVED_OUT,
    )
    return VerificationRequest.objects.create(
        household=street.household_a, visit=visit, reason=Outcome.MOVED_OUT, created_at=now
    )


def _rights_request(street: SmallStreet) -> RightsRequest:
    now = timezone.now()
    return RightsRequest.objects.create(
        kind=RightsKind.SEE,
        household=street.household_a,
        person=street.elder_a,
        channel=RightsChannel.STAFF,
        received_by=street.users["worker_a"],
        received_at=now,
        due_at=now,
    )


MODELS = [
    (Ticket, Status, _ticket),
    (SpotCheck, SpotCheckResult, _spot_check),
    (PlannedVisit, PlanStatus, _plan),
    (VerificationRequest, VerificationStatus, _verification),
    (RightsRequest, RightsStatus, _rights_request),
]


@pytest.mark.parametrize(("model", "choices", "make"), MODELS, ids=[m[0].__name__ for m in MODELS])
def test_only_the_tables_pairs_pass(
    small_street: SmallStreet, model: type[models.Model], choices: type[models.TextChoices], make: object
) -> None:
    row = make(small_street)  # type: ignore[operator]
    field = state_field(row)
    table = model.TRANSITIONS  # type: ignore[attr-defined]
    assert set(table) <= set(choices.values) and all(set(targets) <= set(choices.values) for targets in table.values())
    actor = small_street.users["street_admin"]
    passed: set[tuple[str, str]] = set()
    for old in choices.values:
        for new in choices.values:
            model._default_manager.filter(pk=row.pk).update(**{field: old})
            row.refresh_from_db()
            version, audits = row.version, AuditEntry.objects.count()  # type: ignore[attr-defined]
            try:
                claim_transition(row=row, to_state=new, action="walk", actor=actor)
            except Conflict as refused:
                assert refused.code == "transition_not_allowed"
                row.refresh_from_db()
                assert (getattr(row, field), row.version, AuditEntry.objects.count()) == (old, version, audits)  # type: ignore[attr-defined]
                continue
            assert (getattr(row, field), row.version) == (new, version + 1)  # type: ignore[attr-defined]
            assert AuditEntry.objects.count() == audits + 1
            passed.add((old, new))
    assert passed == {(old, new) for old, targets in table.items() for new in targets}


def test_a_row_read_before_someone_else_changed_it_is_a_409(small_street: SmallStreet) -> None:
    plan = _plan(small_street)
    stale = PlannedVisit.objects.get(pk=plan.pk)
    claim_transition(row=plan, to_state=PlanStatus.DONE, action="fulfil", actor=None)
    with pytest.raises(Conflict) as refused:
        claim_transition(row=stale, to_state=PlanStatus.CANCELLED, action="cancel", actor=None)
    assert refused.value.code == "plannedvisit_changed"
    assert PlannedVisit.objects.get(pk=plan.pk).status == PlanStatus.DONE


def test_a_same_state_change_with_a_stale_version_is_a_409(small_street: SmallStreet) -> None:
    ticket = _ticket(small_street)
    stale = Ticket.objects.get(pk=ticket.pk)
    claim_transition(row=ticket, to_state=None, action="note", actor=None)
    with pytest.raises(Conflict) as refused:
        claim_transition(row=stale, to_state=None, action="note", actor=None)
    assert refused.value.code == "ticket_changed"

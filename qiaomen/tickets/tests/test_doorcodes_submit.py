"""resident_demand_submit: one ticket per submission id, whatever answers the second request."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from qiaomen.core.errors import InvalidInput
from qiaomen.registry.models import DoorCodeSubmission
from qiaomen.testing import SmallStreet
from qiaomen.tickets.doorcodes.codes import door_code_issue
from qiaomen.tickets.doorcodes.residents import ResidentDemand, resident_demand_submit
from qiaomen.tickets.models import Ticket

LIGHT = "楼道里的灯坏了一个星期了"


def test_the_same_submission_id_is_answered_with_the_first_ticket(small_street: SmallStreet) -> None:
    s = small_street
    code, _ = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    demand = ResidentDemand(text=LIGHT, photos=[], submission_id=uuid.uuid4())
    first, created = resident_demand_submit(code=code, demand=demand)
    again, created_again = resident_demand_submit(code=code, demand=demand)
    assert created and not created_again and again == first
    assert Ticket.objects.count() == 1
    assert DoorCodeSubmission.objects.get().ticket == first
    # The same id through another household's code is another form: it makes its own ticket.
    other, _ = door_code_issue(household=s.household_b, user=s.users["worker_b"])
    assert resident_demand_submit(code=other, demand=demand)[1]


def test_a_refused_submission_leaves_its_id_free_for_the_retry(small_street: SmallStreet) -> None:
    s = small_street
    code, _ = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    submission_id = uuid.uuid4()
    bad = ResidentDemand(text=LIGHT, photos=[b"MZ\x90\x00 not a photo"], submission_id=submission_id)
    with pytest.raises(InvalidInput):
        resident_demand_submit(code=code, demand=bad)
    assert not DoorCodeSubmission.objects.exists() and not Ticket.objects.exists()
    ticket, created = resident_demand_submit(
        code=code, demand=ResidentDemand(text=LIGHT, photos=[], submission_id=submission_id)
    )
    assert created and ticket.door_code == code


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_sends_of_one_form_make_one_ticket(small_street: SmallStreet) -> None:
    """As if a double tap reached several server processes at once: no shared cache decides."""
    s = small_street
    code, _ = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    demand = ResidentDemand(text=LIGHT, photos=[], submission_id=uuid.uuid4())
    barrier = threading.Barrier(8)
    answers: list[tuple[int, bool]] = []

    def send() -> None:
        try:
            barrier.wait()
            ticket, created = resident_demand_submit(code=code, demand=demand)
            answers.append((ticket.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert sorted(answers, key=lambda answer: not answer[1]) == [(ticket.pk, True)] + [(ticket.pk, False)] * 7

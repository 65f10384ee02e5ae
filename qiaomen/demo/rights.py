"""The demo street's residents' rights requests, made through the services so that the list
shows real figures: one done (a corrected phone number, with its masked history), one open and
one overdue (a deletion request from a household's QR code that nobody has started)."""

from __future__ import annotations

import datetime as dt

from qiaomen.accounts.models import User
from qiaomen.registry.models import DoorCode, Person, PersonStatus, RightsChannel, RightsKind, RightsRequest
from qiaomen.registry.selectors import persons_for_user
from qiaomen.tickets.rights.requests import rights_request_correct, rights_request_receive, rights_request_start

# The grid worker of the first grid receives them; their days in the past.
DEMO_RIGHTS_WORKER = "worker1"
DONE_DAYS_AGO, OPEN_DAYS_AGO, OVERDUE_DAYS_AGO = 20, 3, 40


def _started(person: Person, *, worker: User, kind: str, text: str, received_at: dt.datetime) -> RightsRequest:
    """A request received by the worker and started the next day."""
    assert person.household is not None  # chosen through their household's door code
    row, _ = rights_request_receive(
        household=person.household,
        person=person,
        kind=kind,
        channel=RightsChannel.STAFF,
        text=text,
        received_by=worker,
        at=received_at,
    )
    return rights_request_start(rights_request=row, user=worker, at=received_at + dt.timedelta(days=1))


def demo_rights_requests_create(*, now: dt.datetime) -> int:
    """Three requests about people of the first grid; how many were made."""
    worker = User.objects.get(username=DEMO_RIGHTS_WORKER)
    live_codes = DoorCode.objects.filter(person__isnull=True, revoked_at__isnull=True)
    people = list(
        persons_for_user(worker)
        .filter(status=PersonStatus.ACTIVE, household__door_codes__in=live_codes)
        .exclude(phone_index="")
        .select_related("household")
        .distinct()
        .order_by("pk")[:3]
    )
    if len(people) < 3:
        return 0
    corrected, seen, leaving = people
    done = _started(
        corrected,
        worker=worker,
        kind=RightsKind.CORRECT,
        text="电话号码换了，请更正",
        received_at=now - dt.timedelta(days=DONE_DAYS_AGO),
    )
    # From the old number, not the row id: the same seed must give the same street on PostgreSQL,
    # where ids keep counting after a rollback.
    new_phone = f"139{(int(corrected.phone[-8:]) + 1) % 10**8:08d}"
    rights_request_correct(
        rights_request=done, user=worker, person_version=corrected.version, values={"phone": new_phone}
    )
    _started(
        seen,
        worker=worker,
        kind=RightsKind.SEE,
        text="想查看社区登记了我哪些信息",
        received_at=now - dt.timedelta(days=OPEN_DAYS_AGO),
    )
    assert leaving.household is not None
    rights_request_receive(
        household=leaving.household,
        kind=RightsKind.DELETE,
        channel=RightsChannel.QR,
        text="已搬走，请删除我的信息",
        door_code=live_codes.filter(household=leaving.household).first(),
        at=now - dt.timedelta(days=OVERDUE_DAYS_AGO),
    )
    return 3

"""SECURITY.md line 30: an edit carries the version it was made on; an edit of something that
changed since is a conflict to review, never a silent overwrite.

Tickets: the page's action forms carry the ticket's version, and the services claim the row on
that version (core.transitions). Person records: a disagreement between sources is a conflict an
admin decides; if the value moved on since, taking the other value is refused and the conflict
shows the value there now. Visits are never edited: each is a new row (see test_visit_record).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.models import Department
from qiaomen.core.errors import Conflict
from qiaomen.registry.importing.conflicts import conflict_resolve
from qiaomen.registry.models import ConflictStatus, FieldConflict, Person, RecordChange
from qiaomen.registry.tests.import_files import (
    FIRST_PHONE,
    HEADER,
    SECOND_PHONE,
    address_of,
    csv_write,
    import_file,
    phone_given_twice,
)
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Priority, Ticket
from qiaomen.tickets.services import ticket_change_priority
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def _version_shown(page: str, action: str) -> str:
    form = re.search(rf'<form method="post" action="/tickets/\d+/{action}/".*?</form>', page, re.S)
    assert form, f"no {action} form on the page"
    version = re.search(r'name="version" value="(\d+)"', form.group())
    assert version, "the form carries no version"
    return version.group(1)


def test_security_30_a_ticket_page_acted_on_after_someone_changed_the_ticket_is_a_409(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    handler = client_as("dept_handler")
    page = handler.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
    shown = _version_shown(page, "transfer")
    ticket_change_priority(
        ticket=ticket, user=small_street.users["street_admin"], priority=Priority.P1, reason="独居老人，当天送餐"
    )
    transfer = {"department": Department.objects.get(code="zhujian").pk, "reason": "不属于民政", "version": shown}

    stale = handler.post(reverse("web:ticket_transfer", args=[ticket.pk]), transfer)

    assert stale.status_code == 409
    assert "刷新" in stale.content.decode()
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.department.code, after.priority) == ("minzheng", Priority.P1)
    assert not after.events.filter(action="transfer").exists()
    # Seen again, the same transfer goes through: the refusal was about the version, nothing else.
    fresh = _version_shown(handler.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode(), "transfer")
    assert (
        handler.post(reverse("web:ticket_transfer", args=[ticket.pk]), {**transfer, "version": fresh}).status_code
        == 302
    )
    assert Ticket.objects.get(pk=ticket.pk).department.code == "zhujian"


def test_security_30_taking_another_sources_value_after_the_value_changed_is_a_conflict_to_review(
    small_street: SmallStreet, tmp_path: Path
) -> None:
    phone_given_twice(tmp_path, small_street.household_a, first="police", second="civil_affairs")
    conflict = FieldConflict.objects.get()
    assert (conflict.current_value, conflict.incoming_value) == (FIRST_PHONE, SECOND_PHONE)
    person = Person.objects.get(pk=conflict.person_id)
    # The police correct their own value after the conflict was shown to the admin.
    corrected = "13700009999"
    row = ["赵大海", person.id_number, corrected, address_of(small_street.household_a), ""]
    import_file(csv_write(tmp_path / "police-correction.csv", [HEADER, row]), "police")
    assert Person.objects.get(pk=person.pk).phone == corrected

    with pytest.raises(Conflict) as refused:
        conflict_resolve(conflict=conflict, user=small_street.users["street_admin"], keep="incoming")

    assert refused.value.code == "conflict_value_changed"
    assert Person.objects.get(pk=person.pk).phone == corrected, "the correction was not overwritten"
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN
    assert conflict.current_value == corrected and conflict.current_source is not None
    assert conflict.current_source.code == "police"
    # Decided again on what is there now, the other value goes in with its history.
    conflict_resolve(conflict=conflict, user=small_street.users["street_admin"], keep="incoming")
    assert Person.objects.get(pk=person.pk).phone == SECOND_PHONE
    change = RecordChange.objects.filter(object_id=person.pk, field="phone").latest("pk")
    assert (change.old_masked, change.new_masked) == ("137****9999", "137****5678")


def test_security_30_an_api_action_sent_with_the_version_read_before_a_change_is_a_409(
    small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]
) -> None:
    ticket = make_ticket(small_street)
    api, headers = Client(), bearer("dept_handler")
    read = api.get(f"/api/v1/tickets/{ticket.pk}", headers=headers).json()["version"]
    ticket_change_priority(
        ticket=ticket, user=small_street.users["street_admin"], priority=Priority.P1, reason="独居老人，当天送餐"
    )
    accept = f"/api/v1/tickets/{ticket.pk}/accept"

    stale = api.post(accept, headers={**headers, "If-Match": f'"{read}"'})

    assert stale.status_code == 409 and stale.json()["code"] == "ticket_changed"
    assert Ticket.objects.get(pk=ticket.pk).handler is None
    fresh = api.get(f"/api/v1/tickets/{ticket.pk}", headers=headers).json()["version"]
    accepted = api.post(accept, headers={**headers, "If-Match": str(fresh)})
    assert accepted.status_code == 200 and accepted.json()["version"] == fresh + 1

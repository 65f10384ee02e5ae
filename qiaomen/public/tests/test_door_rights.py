"""A resident's rights request from the QR page (SECURITY.md line 9): it creates a request for
staff, for the household or person of the code; it shows nothing of what is kept; a resent form
counts once; sending many is limited like the demand form."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.core.models import AuditEntry
from qiaomen.public.tests.conftest import Doors
from qiaomen.registry.models import RightsChannel, RightsKind, RightsRequest, RightsStatus

pytestmark = pytest.mark.django_db
Resident = Callable[[str], Client]


def _url(token: str) -> str:
    return reverse("public:door_rights", args=[token])


def _send(client: Client, token: str, kind: str = RightsKind.SEE, **extra: object) -> int:
    data = {"kind": kind, "text": "请联系我 13800001111", "submission_id": str(uuid.uuid4()), **extra}
    return client.post(_url(token), data).status_code


def test_security_9_a_household_code_creates_a_request_for_staff(doors: Doors, resident: Resident) -> None:
    phone = resident("10.0.0.1")
    door = phone.get(reverse("public:door", args=[doors.token_a])).content.decode()
    assert _url(doors.token_a) in door  # the QR page links to the form
    page = phone.get(_url(doors.token_a))
    assert page.status_code == 200 and "查阅" in page.content.decode()
    assert _send(phone, doors.token_a, RightsKind.DELETE) == 302
    row = RightsRequest.objects.get()
    assert (row.household, row.person, row.kind, row.channel, row.status) == (
        doors.street.household_a,
        None,  # staff find the member who asked
        RightsKind.DELETE,
        RightsChannel.QR,
        RightsStatus.RECEIVED,
    )
    assert (row.door_code, row.received_by, row.text) == (doors.code_a, None, "请联系我 13800001111")
    assert AuditEntry.objects.filter(action="rightsrequest.receive", object_id=str(row.pk)).exists()


def test_a_personal_code_names_its_person(doors: Doors, resident: Resident) -> None:
    assert _send(resident("10.0.0.1"), doors.elder_token, RightsKind.CORRECT) == 302
    assert RightsRequest.objects.get().person == doors.street.elder_a


def test_the_page_reveals_nothing_kept_about_anyone(doors: Doors, resident: Resident) -> None:
    s = doors.street
    body = resident("10.0.0.1").get(_url(doors.elder_token)).content.decode()
    for secret in (s.elder_a.name, s.elder_a.id_masked, s.elder_a.phone_masked, s.building_a.address, "糖尿病"):
        assert secret not in body


def test_a_resent_form_counts_once_and_bad_input_creates_nothing(doors: Doors, resident: Resident) -> None:
    phone = resident("10.0.0.1")
    same = str(uuid.uuid4())
    assert [_send(phone, doors.token_a, submission_id=same) for _ in range(2)] == [302, 302]
    assert _send(phone, doors.token_a, kind="forget") == 422
    assert _send(phone, doors.token_a, text="长" * 1001) == 422
    assert RightsRequest.objects.count() == 1


def test_unknown_tokens_are_404_and_requests_are_limited_per_code(
    doors: Doors, resident: Resident, settings: Settings
) -> None:
    settings.QR_SUBMITS_PER_CODE_PER_HOUR = 2
    assert resident("10.0.0.9").get(_url("no-such-token")).status_code == 404
    phone = resident("10.0.0.1")
    assert [_send(phone, doors.token_a) for _ in range(3)] == [302, 302, 429]
    assert RightsRequest.objects.count() == 2

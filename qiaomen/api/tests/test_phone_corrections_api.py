"""A correction made on the phone against the version of the file it held: applied when the file
is unchanged, kept as a conflict for review when someone changed it since (both sides see it),
recorded once however often it is sent, decided once by staff."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from qiaomen.core.models import AuditEntry
from qiaomen.registry.models import CorrectionStatus, Person, PhoneCorrection
from qiaomen.registry.person_edit import person_erase
from qiaomen.testing import SmallStreet

URL = "/api/v1/phone/corrections"
Headers = Callable[[str], dict[str, str]]


def _send(client: Client, headers: dict[str, str], person: Person, value: str, version: int, **more: Any) -> Any:
    payload = {
        "client_uuid": str(more.pop("client_uuid", uuid.uuid4())),
        "person_id": person.pk,
        "field": more.pop("field", "phone"),
        "value": value,
        "version": version,
        "made_at": "2026-12-07T09:30:00+08:00",
    }
    return client.post(URL, payload, content_type="application/json", headers=headers)


def test_a_correction_of_an_unchanged_file_is_applied(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    elder = small_street.elder_a
    response = _send(client, bearer("worker_a"), elder, "13911112222", elder.version)
    assert response.status_code == 201
    assert response.json()["status"] == "applied"
    elder.refresh_from_db()
    assert elder.phone == "13911112222"
    assert response.json()["current_masked"] == "139****2222"


def test_a_correction_of_a_file_changed_since_is_kept_for_review_on_both_sides(
    client: Client, client_as: Callable[[str], Client], small_street: SmallStreet, bearer: Headers
) -> None:
    elder = small_street.elder_a
    read = elder.version
    assert _send(client, bearer("community_staff"), elder, "13733334444", read).json()["status"] == "applied"
    key = uuid.uuid4()
    response = _send(client, bearer("worker_a"), elder, "13911112222", read, client_uuid=key)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "conflict"
    assert (body["current_masked"], body["phone_masked"]) == ("137****4444", "139****2222")
    elder.refresh_from_db()
    assert elder.phone == "13733334444"  # never overwritten
    assert AuditEntry.objects.filter(action="person.edit_conflict").count() == 1
    # Sent again (the phone lost the answer): the same correction, still one.
    again = _send(client, bearer("worker_a"), elder, "13911112222", read, client_uuid=key)
    assert again.json()["id"] == body["id"] and PhoneCorrection.objects.count() == 2
    # The phone lists it; staff see it on their page, masked.
    assert [row["id"] for row in client.get(URL, headers=bearer("worker_a")).json()] == [body["id"]]
    page = client_as("community_staff").get(reverse("web:phone_corrections")).content.decode()
    assert "139****2222" in page and "137****4444" in page and "13911112222" not in page


def test_staff_take_the_phones_value_once(
    client: Client, client_as: Callable[[str], Client], small_street: SmallStreet, bearer: Headers
) -> None:
    elder = small_street.elder_a
    read = elder.version
    _send(client, bearer("community_staff"), elder, "13733334444", read)
    conflict_id = _send(client, bearer("worker_a"), elder, "13911112222", read).json()["id"]
    staff = client_as("community_staff")
    url = reverse("web:phone_correction_resolve", args=[conflict_id])
    assert staff.post(url, {"keep": "phone"}).status_code == 302
    elder.refresh_from_db()
    assert elder.phone == "13911112222"
    assert PhoneCorrection.objects.get(pk=conflict_id).status == CorrectionStatus.TOOK_PHONE
    assert staff.post(url, {"keep": "current"}).status_code == 404  # decided: no longer open
    assert client.get(URL, headers=bearer("worker_a")).json() == []


def test_bad_corrections_change_nothing(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    elder = small_street.elder_a
    bad_phone = _send(client, bearer("worker_a"), elder, "12345", elder.version)
    assert bad_phone.status_code == 422
    assert _send(client, bearer("worker_a"), elder, "x", elder.version, field="care_notes").status_code == 422
    assert _send(client, bearer("worker_b"), elder, "13911112222", elder.version).status_code == 404
    assert _send(client, bearer("supervisor"), elder, "13911112222", elder.version).status_code == 403
    assert not PhoneCorrection.objects.exists()
    elder.refresh_from_db()
    assert elder.phone == "13800001111"


def test_erasing_a_person_drops_their_corrections(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    elder = small_street.elder_a
    _send(client, bearer("worker_a"), elder, "13911112222", elder.version)
    elder.refresh_from_db()
    person_erase(person=elder, user=small_street.users["community_staff"], version=elder.version)
    assert not PhoneCorrection.objects.filter(person=elder).exists()

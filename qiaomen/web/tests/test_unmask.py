"""SECURITY.md line 4: values are masked by default (the ID number down to its region code and
check character, hole 1); unmasking needs a permission, a reason, and writes one audit row."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.core.idnumber import birth_date_of
from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet


def _unmask(client: Client, person: Person, *, htmx: bool = False, **data: str) -> tuple[int, str]:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(reverse("web:person_unmask", args=[person.pk]), data, headers=headers)
    return response.status_code, response.content.decode()


def _unmask_rows(person: Person) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="person.unmask", object_id=str(person.pk)))


def test_security_4_unmasking_shows_the_full_value_and_writes_one_audit_row(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    elder = small_street.elder_a
    status, content = _unmask(client_as("worker_a"), elder, field="id_number", reason="核对低保申请")
    assert status == 200
    assert elder.id_number in content
    [row] = _unmask_rows(elder)
    assert (row.result, row.detail) == (AuditResult.OK, {"field": "id_number", "reason": "核对低保申请"})
    assert AuditEntry.objects.filter(action="person.view").count() == 0


def test_the_full_value_is_never_cached(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    url = reverse("web:person_unmask", args=[small_street.elder_a.pk])
    response = client_as("worker_a").post(url, {"field": "phone", "reason": "回电"})
    assert response["Cache-Control"] == "no-store"


def test_with_htmx_only_the_fragment_comes_back(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    status, content = _unmask(client_as("worker_a"), small_street.elder_a, htmx=True, field="phone", reason="回电")
    assert status == 200
    assert "13800001111" in content
    assert "<html" not in content


def test_security_4_without_a_reason_nothing_is_shown_and_no_unmask_is_recorded(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    elder = small_street.elder_a
    for htmx in (False, True):
        status, content = _unmask(client_as("worker_a"), elder, htmx=htmx, field="id_number", reason="  ")
        assert status == 422
        assert "必须填写理由" in content
        assert elder.id_number not in content
    assert not AuditEntry.objects.filter(action="person.unmask", result=AuditResult.OK).exists()


@pytest.mark.parametrize(
    ("persona", "person", "field", "expected", "message", "rows"),
    [
        ("supervisor", "elder_a", "id_number", 403, "没有查看完整信息的权限", [AuditResult.DENIED]),
        ("building_chief", "elder_a", "phone", 403, "没有查看完整信息的权限", [AuditResult.DENIED]),
        ("worker_a", "elder_a", "care_notes", 422, "有效的选项", []),  # only ID number and phone
        ("worker_a", "resident_b", "id_number", 404, "页面不存在", []),  # outside the user's places
    ],
)
def test_security_4_a_refused_unmasking_shows_nothing(
    client_as: Callable[[str], Client],
    small_street: SmallStreet,
    persona: str,
    person: str,
    field: str,
    expected: int,
    message: str,
    rows: list[str],
) -> None:
    target = getattr(small_street, person)
    status, content = _unmask(client_as(persona), target, field=field, reason="核对")
    assert status == expected
    assert message in content
    for secret in (target.id_number, target.phone, target.care_notes):
        assert not secret or secret not in content
    assert [row.result for row in _unmask_rows(target)] == rows


def test_unmasking_is_post_only(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    url = reverse("web:person_unmask", args=[small_street.elder_a.pk])
    assert client_as("worker_a").get(url, {"field": "id_number", "reason": "x"}).status_code == 405


@pytest.mark.parametrize("persona", ["worker_a", "building_chief"])
def test_security_4_lists_and_details_hold_no_full_id_and_nothing_to_rebuild_it(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    """With or without the right to unmask, the pages and the API show the narrow mask only:
    not the number, not its birth date, not the last four digits of the old mask."""
    elder = small_street.elder_a
    number, birth = elder.id_number, birth_date_of(elder.id_number)
    assert elder.id_masked == number[:6] + "*" * 11 + number[-1]
    client = client_as(persona)
    pages = {
        "search": client.get(reverse("web:registry_search")),
        "search by number": client.post(reverse("web:registry_search"), {"number": number}),
        "household": client.get(reverse("web:household_detail", args=[elder.household_id])),
        "person": client.get(reverse("web:person_detail", args=[elder.pk])),
    }
    for name, response in pages.items():
        content = response.content.decode()
        assert response.status_code == 200, name
        assert elder.id_masked in content, name
        old_mask = number[:6] + "*" * 8 + number[-4:]
        for leak in (number, old_mask, f"{birth:%Y%m%d}", f"{birth:%Y-%m-%d}", elder.phone):
            assert leak not in content, (name, leak)

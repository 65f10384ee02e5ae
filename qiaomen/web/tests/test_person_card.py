"""一人一档: every view is audited once; children and care notes need the sensitive permission."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.core.models import AuditEntry, AuditResult
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet, make_person
from qiaomen.web.tests.records import add_import_trail


def _person_page(client: Client, person: Person) -> tuple[int, str]:
    response = client.get(reverse("web:person_detail", args=[person.pk]))
    return response.status_code, response.content.decode()


def _views_of(person: Person) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="person.view", object_id=str(person.pk)))


def test_a_view_writes_exactly_one_audit_row(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    status, _ = _person_page(client_as("worker_a"), small_street.elder_a)
    assert status == 200
    [row] = _views_of(small_street.elder_a)
    assert (row.actor_name, row.result, row.object_type) == ("worker1", AuditResult.OK, "registry.person")


def test_the_card_shows_the_file_masked(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    elder = small_street.elder_a
    add_import_trail(elder, incoming_phone="13911112222")
    _, content = _person_page(client_as("worker_a"), elder)
    assert elder.id_masked in content and elder.phone_masked in content
    assert elder.id_number not in content and "13800001111" not in content
    assert "女" in content and "户籍人口" in content
    # The age, never the birth date: with the masked number it would leave ~45 candidates (hole 1).
    assert "年龄" in content and "1950-03-01" not in content and "19500301" not in content
    assert str(small_street.household_a) in content  # actual residence
    assert "独居老人" in content
    assert "糖尿病，低糖饮食" in content  # care notes, for a grid worker
    # the conflict shows both values masked, with their sources
    assert "139****2222" in content and "13911112222" not in content
    assert "公安人口数据" in content and "民政" in content
    assert "2026-03-02 00:30" in content  # provenance time in Asia/Shanghai


def test_a_building_chief_sees_no_care_notes_and_cannot_unmask(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    add_import_trail(small_street.elder_a, incoming_phone="13911112222")
    status, content = _person_page(client_as("building_chief"), small_street.elder_a)
    assert status == 200
    assert small_street.elder_a.care_notes not in content
    assert "关怀备注" not in content
    assert reverse("web:person_unmask", args=[small_street.elder_a.pk]) not in content


def test_a_child_under_14_needs_the_sensitive_permission(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    child = small_street.child_a
    status, content = _person_page(client_as("building_chief"), child)
    assert status == 403
    assert "敏感信息权限" in content and child.name not in content
    [refused] = _views_of(child)
    assert refused.result == AuditResult.DENIED
    assert _person_page(client_as("worker_a"), child)[0] == 200


@pytest.mark.parametrize(
    ("persona", "person"),
    [
        ("worker_a", "resident_b"),
        ("worker_b", "elder_a"),
        ("building_chief", "resident_b"),
        ("dept_handler", "elder_a"),
        ("auditor", "elder_a"),
        ("unassigned", "elder_a"),
    ],
)
def test_people_outside_the_users_places_do_not_exist_for_them(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, person: str
) -> None:
    target = getattr(small_street, person)
    status, content = _person_page(client_as(persona), target)
    assert status == 404
    assert target.name not in content
    assert _views_of(target) == []


def test_pages_with_personal_data_are_not_cached(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("worker_a")
    for url in (
        reverse("web:person_detail", args=[small_street.elder_a.pk]),
        reverse("web:household_detail", args=[small_street.household_a.pk]),
        reverse("web:registry_search"),
    ):
        assert client.get(url)["Cache-Control"] == "no-store"


def test_the_name_is_escaped(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    person = make_person(small_street.household_a, "<script>alert(1)</script>")
    _, content = _person_page(client_as("worker_a"), person)
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content

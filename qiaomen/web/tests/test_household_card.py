"""一户一档: members, tags, freshness, provenance, history and conflicts, within the user's places."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.registry.models import RecordChange, Relationship
from qiaomen.testing import SmallStreet, make_person
from qiaomen.web.tests.records import add_import_trail


def _card(client: Client, household_pk: int) -> tuple[int, str]:
    response = client.get(reverse("web:household_detail", args=[household_pk]))
    return response.status_code, response.content.decode()


def test_the_card_shows_members_masked_with_tags_sources_and_history(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    elder = small_street.elder_a
    add_import_trail(elder, incoming_phone="13911112222")
    status, content = _card(client_as("worker_a"), small_street.household_a.pk)
    assert status == 200
    assert str(small_street.household_a) in content
    assert "和平一网格" in content and "幸福街道" in content
    assert elder.name in content and small_street.child_a.name in content
    assert elder.id_masked in content and elder.phone_masked in content
    assert "独居老人" in content
    assert "2026-03-02" in content  # last verified, in Asia/Shanghai
    assert "民政" in content  # the source of the values
    assert "137****0000" in content  # history, masked
    assert "待处理的来源冲突" in content


def test_the_card_holds_no_full_id_number_phone_or_care_note(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    add_import_trail(small_street.elder_a, incoming_phone="13911112222")
    _, content = _card(client_as("worker_a"), small_street.household_a.pk)
    for secret in (
        small_street.elder_a.id_number,
        small_street.child_a.id_number,
        "13800001111",
        "13911112222",
        small_street.elder_a.care_notes,
    ):
        assert secret not in content


def test_a_building_chief_sees_no_child_and_no_care_note_history(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    add_import_trail(small_street.elder_a, incoming_phone="13911112222")
    status, content = _card(client_as("building_chief"), small_street.household_a.pk)
    assert status == 200
    assert small_street.elder_a.name in content
    assert small_street.child_a.name not in content
    assert "14岁以下儿童" in content
    assert "关怀备注" not in content


@pytest.mark.parametrize(
    ("persona", "household", "expected"),
    [
        ("worker_a", "household_b", 404),
        ("worker_b", "household_a", 404),
        ("building_chief", "household_b", 404),
        ("community_staff", "household_b", 404),
        ("dept_handler", "household_a", 404),
        ("auditor", "household_a", 404),
        ("unassigned", "household_a", 404),
        ("supervisor", "household_b", 200),
        ("street_admin", "household_b", 200),
    ],
)
def test_households_outside_the_users_places_do_not_exist_for_them(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, household: str, expected: int
) -> None:
    status, content = _card(client_as(persona), getattr(small_street, household).pk)
    assert status == expected
    if expected == 404:
        assert "页面不存在" in content
        assert small_street.elder_a.name not in content and small_street.resident_b.name not in content


def test_names_in_the_card_and_its_history_are_escaped(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    payload = "<script>alert(1)</script>"
    person = make_person(small_street.household_a, payload)
    RecordChange.objects.create(
        object_type="person",
        object_id=person.pk,
        field="name",
        old_masked=payload,
        new_masked=payload,
        at=person.created_at,
    )
    _, content = _card(client_as("worker_a"), small_street.household_a.pk)
    assert payload not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_number_of_queries_does_not_grow_with_the_members(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    _card(client, small_street.household_a.pk)  # the first request of a session writes the session once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _card(client, small_street.household_a.pk)[0] == 200
        return len(captured)

    few = queries()
    for number in range(8):
        make_person(small_street.household_a, f"家属{number}", relationship=Relationship.CHILD, tags=("veteran",))
    assert queries() == few

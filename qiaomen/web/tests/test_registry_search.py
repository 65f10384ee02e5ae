"""Registry search: by address or name over GET, exactly by ID or phone over POST only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qiaomen.registry.models import Household, Person, Tag
from qiaomen.testing import SmallStreet, make_household, make_person

SEARCH = reverse("web:registry_search")
XSS = "<script>alert(1)</script>"


def _person_link(person: Person) -> str:
    return reverse("web:person_detail", args=[person.pk])


def test_a_grid_worker_finds_by_name_and_address_within_their_grid_only(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    by_name = client.get(SEARCH, {"q": "王秀"}).content.decode()
    assert small_street.elder_a.name in by_name
    by_address = client.get(SEARCH, {"q": small_street.building_a.address}).content.decode()
    assert reverse("web:household_detail", args=[small_street.household_a.pk]) in by_address
    other_grid = client.get(SEARCH, {"q": small_street.resident_b.name}).content.decode()
    assert _person_link(small_street.resident_b) not in other_grid
    assert (
        reverse("web:household_detail", args=[small_street.household_b.pk]) not in client.get(SEARCH).content.decode()
    )


def test_filters_by_grid_building_and_tag(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    client = client_as("street_admin")
    grid_b = client.get(SEARCH, {"grid": small_street.grid_b.pk}).content.decode()
    assert small_street.resident_b.name in grid_b and small_street.elder_a.name not in grid_b
    building_a = client.get(SEARCH, {"grid": small_street.grid_a.pk, "building": small_street.building_a.pk})
    assert small_street.elder_a.name in building_a.content.decode()
    elders = client.get(SEARCH, {"tag": "elder_alone"}).content.decode()
    assert small_street.elder_a.name in elders and small_street.resident_b.name not in elders


def test_a_grid_outside_the_users_places_is_refused_not_searched(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = client_as("worker_a").get(SEARCH, {"grid": small_street.grid_b.pk}).content.decode()
    assert small_street.resident_b.name not in content
    assert "field-error" in content


def test_exact_search_by_id_number_is_a_post_and_finds_the_person(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    elder = small_street.elder_a
    response = client_as("worker_a").post(SEARCH, {"number": elder.id_number})
    content = response.content.decode()
    assert response.status_code == 200
    assert _person_link(elder) in content
    assert elder.id_number not in content  # found, masked, and not echoed back into the form


def test_exact_search_by_phone_finds_the_person(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    content = client_as("worker_a").post(SEARCH, {"number": "138-0000-1111"}).content.decode()
    assert _person_link(small_street.elder_a) in content


def test_exact_search_stays_within_the_users_places(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = client_as("worker_a").post(SEARCH, {"number": small_street.resident_b.id_number}).content.decode()
    assert _person_link(small_street.resident_b) not in content


def test_an_id_number_in_the_url_is_not_searched_nor_echoed(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    elder = small_street.elder_a
    content = client_as("worker_a").get(SEARCH, {"q": elder.id_number}).content.decode()
    assert _person_link(elder) not in content
    assert elder.id_number not in content
    assert "精确查找" in content


def test_search_results_hold_no_full_id_number_or_phone(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = client_as("worker_a").get(SEARCH).content.decode()
    assert small_street.elder_a.id_masked in content
    assert small_street.elder_a.id_number not in content
    assert "13800001111" not in content
    assert small_street.elder_a.phone_masked in content


def test_children_under_14_and_sensitive_tags_need_the_sensitive_permission(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    small_street.elder_a.tags.add(Tag.objects.get(code="chronic"))
    chief = client_as("building_chief")
    listing = chief.get(SEARCH).content.decode()
    assert small_street.child_a.name not in listing
    assert "14岁以下儿童" in listing
    assert "慢病患者" not in listing
    assert "14岁以下儿童" not in chief.get(SEARCH, {"q": small_street.child_a.name}).content.decode()
    assert "慢病患者" not in chief.get(SEARCH, {"tag": "chronic"}).content.decode()
    worker = client_as("worker_a").get(SEARCH).content.decode()
    assert small_street.child_a.name in worker and "慢病患者" in worker


def test_the_page_shows_the_share_of_households_not_verified_lately(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    Household.objects.filter(pk=small_street.household_a.pk).update(last_verified_at=timezone.now())
    content = client_as("street_admin").get(SEARCH).content.decode()
    assert "50%" in content  # household_b was never verified
    assert "超过 30 天未核实" in content


def test_a_user_without_places_sees_nothing(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    content = client_as("unassigned").get(SEARCH).content.decode()
    assert small_street.elder_a.name not in content
    assert "尚未分配负责区域" in content


@pytest.mark.parametrize("persona", ["dept_handler", "auditor"])
def test_departments_and_auditors_find_no_registry_records(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    client = client_as(persona)
    assert small_street.elder_a.name not in client.get(SEARCH).content.decode()
    assert (
        small_street.elder_a.name
        not in client.post(SEARCH, {"number": small_street.elder_a.id_number}).content.decode()
    )


def test_names_are_escaped(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    make_person(small_street.household_a, XSS)
    content = client_as("worker_a").get(SEARCH).content.decode()
    assert XSS not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def _search_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"grid": "", "tag": ""})
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_households(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    client.get(SEARCH)  # the first request of a session writes the session once

    def add_households(count: int, start: int) -> None:
        for number in range(start, start + count):
            household = make_household(small_street.building_a, str(300 + number))
            make_person(household, f"住户{number}", phone=f"1370000{number:04d}", tags=("elder_80",))
            make_person(household, f"家属{number}", tags=("veteran",))

    add_households(2, 0)  # 3 households with household_a
    few = _search_queries(client)
    add_households(17, 2)  # 20
    assert _search_queries(client) == few


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_member_shows_relationship_gender_status_and_age_in_the_users_language(
    client_as: Callable[[str], Client], small_street: SmallStreet, language: str
) -> None:
    from django.utils import translation

    from qiaomen.registry.models import PersonStatus
    from qiaomen.registry.services import person_age

    elder = small_street.elder_a
    Person.objects.filter(pk=elder.pk).update(status=PersonStatus.DECEASED)
    elder.refresh_from_db()
    client = client_as("street_admin")
    listing = client.get(SEARCH, {"q": elder.name}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        age = person_age(elder)
        shown = [elder.get_relationship_display(), elder.get_gender_display(), elder.get_status_display()]
        years = translation.ngettext("%(age)s year", "%(age)s years", age) % {"age": age}
    assert f"{shown[0]} · {shown[1]} · {years}" in listing
    assert f'<span class="badge badge-muted">{shown[2]}</span>' in listing

"""The place tree and a grid's buildings, limited to the user's places."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet, make_building

TREE = reverse("web:place_tree")


def test_the_street_admin_sees_every_community_and_grid_with_counts(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = client_as("street_admin").get(TREE).content.decode()
    for name in ("幸福街道", "和平社区", "光明社区", "和平一网格", "光明一网格"):
        assert name in content
    assert "2 户" in content  # the street
    assert reverse("web:grid_detail", args=[small_street.grid_b.pk]) in content


def test_a_grid_worker_sees_only_their_grid(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    content = client_as("worker_a").get(TREE).content.decode()
    assert "和平一网格" in content
    assert "光明一网格" not in content and "光明社区" not in content


@pytest.mark.parametrize("persona", ["unassigned", "dept_handler", "auditor"])
def test_users_without_places_see_an_empty_tree(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    content = client_as(persona).get(TREE).content.decode()
    assert "和平一网格" not in content
    assert "尚未分配负责区域" in content


def test_a_grid_page_lists_its_buildings_linked_to_the_filtered_search(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    response = client_as("worker_a").get(reverse("web:grid_detail", args=[small_street.grid_a.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert small_street.building_a.address in content
    assert f"?grid={small_street.grid_a.pk}&amp;building={small_street.building_a.pk}" in content
    assert "1 户" in content


def test_a_building_chief_sees_only_their_own_building_of_the_grid(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    other = make_building(small_street.grid_a, 9)
    content = (
        client_as("building_chief").get(reverse("web:grid_detail", args=[small_street.grid_a.pk])).content.decode()
    )
    assert small_street.building_a.address in content
    assert other.address not in content


@pytest.mark.parametrize("persona", ["worker_a", "building_chief", "dept_handler", "auditor", "unassigned"])
def test_a_grid_outside_the_users_places_does_not_exist_for_them(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    response = client_as(persona).get(reverse("web:grid_detail", args=[small_street.grid_b.pk]))
    assert response.status_code == 404
    assert small_street.building_b.address not in response.content.decode()

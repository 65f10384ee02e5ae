from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from qiaomen.testing import SmallStreet

Headers = Callable[[str], dict[str, str]]
PLACES = "/api/v1/places"


def test_a_grid_worker_sees_their_grid_with_its_household_count(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    response = client.get(PLACES, headers=bearer("worker_a"))

    assert response.status_code == 200
    assert response.json() == {
        "streets": [
            {
                "id": s.street.pk,
                "name": "幸福街道",
                "code": "XF",
                "households": 1,
                "communities": [
                    {
                        "id": s.community_1.pk,
                        "name": "和平社区",
                        "code": "XF01",
                        "households": 1,
                        "grids": [
                            {
                                "id": s.grid_a.pk,
                                "name": "和平一网格",
                                "code": "XF01-01",
                                "households": 1,
                                "building_count": 1,
                                "buildings": None,
                            }
                        ],
                    }
                ],
            }
        ]
    }


def test_the_street_admin_sees_both_communities(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    [street] = client.get(PLACES, headers=bearer("street_admin")).json()["streets"]

    assert street["households"] == 2
    assert [c["name"] for c in street["communities"]] == ["和平社区", "光明社区"]


def test_buildings_of_a_grid_come_on_request(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    response = client.get(PLACES, {"grid": s.grid_a.pk}, headers=bearer("worker_a"))

    [grid] = response.json()["streets"][0]["communities"][0]["grids"]
    assert grid["buildings"] == [
        {
            "id": s.building_a.pk,
            "name": "1栋",
            "address": s.building_a.address,
            "lat": 31.2,
            "lng": 121.4,
            "households": 1,
        }
    ]


def test_a_grid_outside_the_callers_places_is_not_found(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    response = client.get(PLACES, {"grid": small_street.grid_b.pk}, headers=bearer("worker_a"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_building_chief_sees_only_their_building(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    response = client.get(PLACES, {"grid": s.grid_a.pk}, headers=bearer("building_chief"))

    [grid] = response.json()["streets"][0]["communities"][0]["grids"]
    assert (grid["households"], [b["id"] for b in grid["buildings"]]) == (1, [s.building_a.pk])


def test_a_department_handler_has_no_places(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    assert client.get(PLACES, headers=bearer("dept_handler")).json() == {"streets": []}


def test_a_grid_that_is_not_a_number_answers_422(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = client.get(PLACES, {"grid": "abc"}, headers=bearer("worker_a"))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_street_names_travel_as_utf8(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    response = client.get(PLACES, headers=bearer("worker_a"))

    assert "幸福街道".encode() in response.content
    assert b"\\u5e78" not in response.content

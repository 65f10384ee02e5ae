"""The heat map page (R-ANA-3): the counts of analytics.heatmap for the user's places, cut by
category and period, handed to map.js as JSON under the strict CSP, with an optional tile server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.analytics.tests.heat_street import DESCRIPTION, HeatStreet, make_heat_street
from qiaomen.core.middleware import content_security_policy
from qiaomen.testing import SmallStreet

MAP = reverse("web:command_map")
# Inline script, style or handler; the JSON blocks of json_script are data, not script.
INLINE = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE
)


@pytest.fixture
def heat_street(small_street: SmallStreet) -> HeatStreet:
    return make_heat_street(small_street)


def _map_data(content: str) -> dict[str, object]:
    found = re.search(r'<script id="heat-map-data" type="application/json">(.*?)</script>', content, re.S)
    assert found, "no map data on the page"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_the_street_admin_sees_every_building_with_its_count(
    client_as: Callable[[str], Client], heat_street: HeatStreet
) -> None:
    s = heat_street.street
    response = client_as("street_admin").get(MAP, {"period": "2026-11"})
    assert response.status_code == 200
    content = response.content.decode()
    data = _map_data(content)
    counts = {(lat, lng): (tickets, name) for lat, lng, tickets, name in data["buildings"]}  # type: ignore[attr-defined]
    assert counts[(31.2, 121.4)] == (4, s.building_a.address)
    assert counts[(31.21, 121.41)] == (2, s.building_b.address)
    assert {grid["name"]: grid["tickets"] for grid in data["grids"]} == {"和平一网格": 7, "光明一网格": 2}  # type: ignore[attr-defined]
    assert data["hottest"] == 4
    assert 'data-map="heat-map-data"' in content and "vendor/leaflet.heat/leaflet-heat.js" in content
    assert "2026年11月" in content and DESCRIPTION not in content
    assert INLINE.findall(content) == []


def test_a_category_narrows_the_counts(client_as: Callable[[str], Client], heat_street: HeatStreet) -> None:
    data = _map_data(client_as("street_admin").get(MAP, {"period": "2026-11", "category": "EMG"}).content.decode())
    assert {grid["name"]: grid["tickets"] for grid in data["grids"]} == {"和平一网格": 1, "光明一网格": 0}  # type: ignore[attr-defined]


def test_community_staff_see_only_their_community(client_as: Callable[[str], Client], heat_street: HeatStreet) -> None:
    content = client_as("community_staff").get(MAP, {"period": "2026-11"}).content.decode()
    s = heat_street.street
    for hidden in (s.building_b.address, s.grid_b.name, s.community_2.name):
        assert hidden not in content and json.dumps(hidden)[1:-1] not in content
    data = _map_data(content)
    assert [name for _, _, _, name in data["buildings"]] == [s.building_a.address, heat_street.building_a2.address]  # type: ignore[attr-defined]


@pytest.mark.parametrize("period", ["2026-13", "last year", "2026-12-01..2026-11-01"])
def test_a_period_it_cannot_read_is_said_in_chinese_and_no_map_is_drawn(
    client_as: Callable[[str], Client], heat_street: HeatStreet, period: str
) -> None:
    content = client_as("street_admin").get(MAP, {"period": period}).content.decode()
    assert "期间格式不正确" in content and "heat-map-data" not in content


def test_roles_without_figures_are_refused(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    for persona in ("building_chief", "auditor", "worker_a", "dept_handler"):
        assert client_as(persona).get(MAP).status_code == 403, persona


def test_without_a_tile_server_the_map_has_no_outside_host(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    response = client_as("street_admin").get(MAP)
    assert "data-tile-url" not in response.content.decode()
    assert "img-src 'self' data: blob:;" in response["Content-Security-Policy"]


def test_a_tile_server_joins_the_map_and_the_csp_for_images_only(
    client_as: Callable[[str], Client], small_street: SmallStreet, settings: Settings
) -> None:
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    response = client_as("street_admin").get(MAP)
    assert 'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in response.content.decode()
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["img-src"] == "'self' data: blob: https://*.tiles.example.org"
    assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"


def test_a_tile_url_that_is_no_web_address_is_refused() -> None:
    with pytest.raises(ValueError, match="MAP_TILE_URL"):
        content_security_policy("tiles.example.org/{z}/{x}/{y}.png")

"""GET /api/v1/figures: the command centre's numbers as JSON, scoped like the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.analytics.tests.targets_street import target_street
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
__all__ = ["target_street"]
URL = "/api/v1/figures"


@pytest.mark.parametrize("level", ["community", "grid", "worker", "department"])
def test_the_api_gives_the_numbers_of_the_page(
    target_street: SmallStreet,
    client: Client,
    client_as: Callable[[str], Client],
    bearer: Callable[[str], dict[str, str]],
    level: str,
) -> None:
    answer = client.get(URL, {"period": "2026-11", "level": level}, headers=bearer("street_admin"))
    assert answer.status_code == 200
    body = answer.json()
    page = client_as("street_admin").get(reverse("web:command"), {"period": "2026-11", "level": level}).context
    on_page = {
        (row["name"], c["code"]): (c["numerator"], c["denominator"], c["light"])
        for row in [*page["rows"], page["total"]]
        for c in row["cells"]
    }
    in_api = {}
    for row in [*body["rows"], body["total"]]:
        for code, f in row["figures"].items():
            target = next(t for t in body["targets"] if t["code"] == code)
            numerator = f"{f['numerator']:g}" if target["unit"] == "share" else f"{f['numerator']:.1f} h"
            in_api[(row["name"], code)] = (numerator, f["denominator"], f["light"])
    assert in_api == on_page
    assert body["period"] == {"label": "2026-11", "span": "month", "first_day": "2026-11-01", "last_day": "2026-11-30"}
    assert body["total"]["figures"]["on_spot_rate"]["value"] == pytest.approx(1 / 6)


def test_community_staff_get_their_community(
    target_street: SmallStreet, client: Client, bearer: Callable[[str], dict[str, str]]
) -> None:
    body = client.get(URL, {"period": "2026-11"}, headers=bearer("community_staff")).json()
    assert [row["name"] for row in body["rows"]] == ["和平社区"]
    assert body["total"]["figures"]["on_spot_rate"]["denominator"] == 4


def test_a_department_gets_its_tickets_and_no_coverage(
    target_street: SmallStreet, client: Client, bearer: Callable[[str], dict[str, str]]
) -> None:
    body = client.get(URL, {"period": "2026-11", "level": "department"}, headers=bearer("dept_handler")).json()
    assert [row["name"] for row in body["rows"]] == ["民政"]
    assert body["total"]["figures"]["on_spot_rate"]["denominator"] == 6
    assert body["total"]["figures"]["special_coverage"] == {
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "light": "none",
    }


def test_errors_are_machine_readable(
    small_street: SmallStreet, client: Client, bearer: Callable[[str], dict[str, str]]
) -> None:
    admin = bearer("street_admin")
    bad_period = client.get(URL, {"period": "2026-13"}, headers=admin)
    assert bad_period.status_code == 422 and bad_period.json()["code"] == "period_invalid"
    assert "期间无效" in bad_period.json()["message"]
    bad_level = client.get(URL, {"level": "planet"}, headers=admin)
    assert bad_level.status_code == 422 and bad_level.json()["code"] == "invalid_input"
    refused = client.get(URL, headers=bearer("worker_a"))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client.get(URL).status_code == 401

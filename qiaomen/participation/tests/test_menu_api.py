"""The menu's API: scoped like the pages, masked for readers, every refusal a declared status."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from qiaomen.participation.tests.menu_fixtures import make_entry, make_partner, make_point
from qiaomen.testing import SmallStreet

API = "/api/v1"


def test_entries_partner_and_coverage(small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]) -> None:
    s = small_street
    everyone = make_partner(s, "街道卫生服务中心")
    theirs = make_partner(s, "光明小学", community=s.community_2, department="jiaoyu")
    make_entry(s, everyone, "上门理发")
    make_entry(s, theirs, "课后托管", group="children")
    make_point(s, "和平社区服务站", lat=31.2, lng=121.4)
    client = Client()
    worker = bearer("worker_a")
    titles = [row["title"] for row in client.get(f"{API}/menu/entries", headers=worker).json()]
    assert titles == ["上门理发"]
    partner = client.get(f"{API}/menu/partners/{everyone.pk}", headers=worker).json()
    assert (partner["contact_phone"], partner["department"]) == ("138****5678", "weijian")
    assert client.get(f"{API}/menu/partners/{theirs.pk}", headers=worker).status_code == 404
    admin = client.get(f"{API}/menu/partners/{everyone.pk}", headers=bearer("street_admin")).json()
    assert admin["contact_phone"] == "13812345678"
    coverage = client.get(f"{API}/service-points/coverage?on=2026-03-11", headers=bearer("street_admin")).json()
    assert (coverage["households"], coverage["covered"], coverage["week_start"]) == (2, 1, "2026-03-09")
    gaps = {row["community"]: [b["address"] for b in row["uncovered_buildings"]] for row in coverage["communities"]}
    assert gaps == {"和平社区": [], "光明社区": [s.building_b.address]}


def test_refusals(small_street: SmallStreet, bearer: Callable[[str], dict[str, str]]) -> None:
    client = Client()
    assert client.get(f"{API}/menu/entries").status_code == 401
    assert client.get(f"{API}/menu/entries", headers=bearer("dept_handler")).status_code == 403
    bad = client.get(f"{API}/service-points/coverage?on=2026-13-01", headers=bearer("street_admin"))
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")

"""The menu's staff pages: street staff edit, community staff and grid workers read, scoped."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from qiaomen.participation.models.menu import MenuEntry
from qiaomen.participation.tests.menu_fixtures import make_entry, make_partner, make_point
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Subcategory


def test_the_menu_lists_entries_by_group_for_readers(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    make_entry(s, make_partner(s, "街道卫生服务中心"), "上门理发")
    make_entry(s, make_partner(s, "光明小学", community=s.community_2), "课后托管", group="children")
    page = client_as("worker_a").get(reverse("web:menu")).content.decode()
    assert "上门理发" in page and "独居老人" in page  # the group's registry tags beside it
    assert "课后托管" not in page  # community 2's partner: not grid A's
    assert reverse("web:menu_entry_new") not in page
    assert client_as("worker_a").get(reverse("web:menu_entry_new")).status_code == 403
    assert client_as("building_chief").get(reverse("web:menu")).status_code == 403


def test_a_personal_mobile_is_masked_for_readers_and_shown_to_keepers(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    partner = make_partner(small_street, "街道卫生服务中心")
    url = reverse("web:menu_partner", args=[partner.pk])
    assert "138****5678" in client_as("worker_a").get(url).content.decode()
    assert "13812345678" not in client_as("worker_a").get(url).content.decode()
    assert "13812345678" in client_as("street_admin").get(url).content.decode()


def test_street_staff_add_a_service_and_bad_input_changes_nothing(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    partner = make_partner(small_street, "街道卫生服务中心")
    admin = client_as("street_admin")
    form = {
        "title": "助浴服务",
        "group": "disabled",
        "partner": partner.pk,
        "schedule": "每周三 14:00–17:00",
        "how_to_ask": "扫门牌码申请",
        "subcategory": Subcategory.objects.get(code="LIF-ACC").pk,
    }
    assert admin.post(reverse("web:menu_entry_new"), {**form, "schedule": " "}).status_code == 422
    assert not MenuEntry.objects.exists()
    assert admin.post(reverse("web:menu_entry_new"), form).status_code == 302
    entry = MenuEntry.objects.get()
    assert (entry.title, entry.group, entry.partner) == ("助浴服务", "disabled", partner)
    # A stale version is a conflict, not an overwrite.
    stale = admin.post(reverse("web:menu_entry_edit", args=[entry.pk]), {**form, "title": "新名", "version": 0})
    assert stale.status_code == 409
    assert MenuEntry.objects.get().title == "助浴服务"


def test_the_points_page_draws_the_map_and_lists_uncovered_buildings(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    make_point(s, "和平社区服务站", lat=31.2, lng=121.4)
    page = client_as("street_admin").get(reverse("web:service_points")).content.decode()
    assert 'id="points-map-data"' in page and "vendor/leaflet/leaflet.js" in page
    assert "straight-line" in page or "直线距离" in page
    assert "和平社区服务站" in page
    assert s.building_b.address in page  # grid B's building is ~1.4 km away: uncovered
    # Grid A's worker sees grid A only: not grid B's address.
    mine = client_as("worker_a").get(reverse("web:service_points")).content.decode()
    assert s.building_b.address not in mine and "和平社区服务站" in mine

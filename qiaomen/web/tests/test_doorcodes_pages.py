"""Staff pages for door codes: a household's codes from its card, a building's bulk issue, and the
printable A4 sticker sheet (inline SVG, no inline styles, audited)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from qiaomen.core.models import AuditEntry
from qiaomen.registry.models import DoorCode
from qiaomen.testing import SmallStreet, make_household
from qiaomen.tickets.doorcodes.codes import door_code_issue, door_code_lookup


def _live(**filters: object) -> list[DoorCode]:
    return list(DoorCode.objects.filter(revoked_at__isnull=True, **filters))


def test_the_household_card_links_to_its_codes(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    s = small_street
    url = reverse("web:doorcode_household", args=[s.household_a.pk])
    card = reverse("web:household_detail", args=[s.household_a.pk])
    assert url in client_as("worker_a").get(card).content.decode()
    assert url not in client_as("supervisor").get(card).content.decode()


def test_issue_revoke_and_replace_from_the_household_page(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    s = small_street
    page = client_as("worker_a")
    url = reverse("web:doorcode_household", args=[s.household_a.pk])
    assert page.post(url, {"action": "issue", "person": ""}).status_code == 302
    (code,) = _live(household=s.household_a)
    assert page.post(url, {"action": "issue", "person": ""}).status_code == 409  # one live household code
    assert page.post(url, {"action": "issue", "person": s.elder_a.pk}).status_code == 302
    assert len(_live(household=s.household_a)) == 2
    content = page.get(url).content.decode()
    assert content.count("<svg") == 2 and "扫码反映诉求 · 查看办理进度" in content
    assert AuditEntry.objects.filter(action="door_code.view", object_id=str(s.household_a.pk)).exists()
    assert page.post(url, {"action": "reissue", "code": code.pk}).status_code == 302
    assert page.post(url, {"action": "reissue", "code": code.pk}).status_code == 409  # a second click
    assert len(_live(household=s.household_a, person__isnull=True)) == 1
    assert door_code_lookup(code.token) is None
    (elder_code,) = _live(person=s.elder_a)
    assert page.post(url, {"action": "revoke", "code": elder_code.pk}).status_code == 302
    assert not _live(person=s.elder_a)


def test_a_code_of_another_household_cannot_be_touched_through_this_page(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    s = small_street
    other = make_household(s.building_a, "102")
    code, _ = door_code_issue(household=other, user=s.users["worker_a"])
    url = reverse("web:doorcode_household", args=[s.household_a.pk])
    assert client_as("worker_a").post(url, {"action": "revoke", "code": code.pk}).status_code == 422
    assert _live(household=other) == [code]


def test_outside_the_place_or_without_the_capability_nothing(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    s = small_street
    code_b, _ = door_code_issue(household=s.household_b, user=s.users["worker_b"])
    url = reverse("web:doorcode_household", args=[s.household_b.pk])
    worker_a = client_as("worker_a")
    assert worker_a.get(url).status_code == 404
    assert worker_a.post(url, {"action": "revoke", "code": code_b.pk}).status_code == 404
    assert worker_a.get(reverse("web:doorcode_stickers", args=[s.building_b.pk])).status_code == 404
    for persona in ("dept_handler", "building_chief", "supervisor"):
        assert client_as(persona).get(reverse("web:doorcode_household", args=[s.household_a.pk])).status_code == 403
    assert _live(household=s.household_b) == [code_b]


def test_bulk_issue_for_a_building_then_print_the_a4_sheet(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    s = small_street
    make_household(s.building_a, "102")
    page = client_as("community_staff")
    listing = page.get(reverse("web:doorcode_buildings")).content.decode()
    assert s.building_a.address in listing and s.building_b.address not in listing and "0 / 2" in listing
    building_url = reverse("web:doorcode_building", args=[s.building_a.pk])
    assert page.post(building_url).status_code == 302
    assert len(_live(household__building=s.building_a)) == 2
    assert "2 / 2" in page.get(reverse("web:doorcode_buildings")).content.decode()
    response = page.get(reverse("web:doorcode_stickers", args=[s.building_a.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('<svg viewBox="') == 2
    assert "1单元101室" in content and "1单元102室" in content and s.street.name in content
    assert "扫码反映诉求 · 查看办理进度" in content and "共 2 张门贴" in content
    assert not re.search(r"\sstyle=", content)  # CSP: no inline style attributes
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert AuditEntry.objects.filter(action="door_code.sheet_view", object_id=str(s.building_a.pk)).count() == 1
    css = Path(str(finders.find("web/stickers.css"))).read_text()
    assert "@page { size: A4" in css


def test_stickers_point_at_the_public_address_when_one_is_set(
    client_as: Callable[[str], Client], small_street: SmallStreet, settings: object
) -> None:
    s = small_street
    settings.QR_PUBLIC_BASE_URL = "https://qiaomen.example.gov.cn"  # type: ignore[attr-defined]
    from qiaomen.web.doorcodes.views import door_url

    _, token = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    request = client_as("worker_a").get(reverse("web:home")).wsgi_request
    assert door_url(request, token) == f"https://qiaomen.example.gov.cn/q/{token}"


def test_the_nav_shows_door_codes_to_those_who_manage_them(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    url = reverse("web:doorcode_buildings")
    assert url in client_as("worker_a").get(reverse("web:ticket_inbox")).content.decode()
    assert url not in client_as("dept_handler").get(reverse("web:ticket_inbox")).content.decode()

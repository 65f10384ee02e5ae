"""The street changes an item of its catalogue of rewards (catalogue/<pk>/): its points, the
stock on hand after restocking, or withdraws it; only who sets the street's rates may."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from qiaomen.participation.models.volunteer_points import CatalogueItem
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.participation.volunteers.ledger import points_redeem
from qiaomen.testing import SmallStreet, sign_in


def _as(small_street: SmallStreet, persona: str) -> Client:
    return sign_in(Client(), small_street.users[persona])


def _item(item: CatalogueItem) -> tuple[str, int, int, bool]:
    item.refresh_from_db()
    return item.name, item.points, item.stock, item.active


def test_the_street_restocks_reprices_and_withdraws_an_item(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "street_admin")
    url = reverse("web:volunteer_catalogue_item", args=[v.item.pk])
    assert url in client.get(reverse("web:volunteer_catalogue")).content.decode()
    form = client.get(url)
    assert form.status_code == 200 and 'name="stock_was" value="5"' in form.content.decode()
    data = {"name": "大米一袋", "description": "", "points": 25, "stock": 12, "stock_was": 5, "active": "on"}
    assert client.post(url, data).status_code == 302
    assert _item(v.item) == ("大米一袋", 25, 12, True)
    assert client.post(url, {**data, "stock_was": 12, "active": ""}).status_code == 302
    assert _item(v.item) == ("大米一袋", 25, 12, False)
    bad = client.post(url, {**data, "stock_was": 12, "points": 0})
    assert bad.status_code == 422 and _item(v.item) == ("大米一袋", 25, 12, False)


def test_a_restock_over_a_redemption_made_meanwhile_is_refused_on_the_page(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "street_admin")
    url = reverse("web:volunteer_catalogue_item", args=[v.item.pk])
    points_redeem(volunteer=v.volunteer_b, item=v.item, actor=s.users["volunteer_b"])  # the editor saw 5
    data = {"name": "大米一袋", "points": 20, "stock": 10, "stock_was": 5, "active": "on"}
    refused = client.post(url, data)
    assert refused.status_code == 409 and "库存已有变化" in refused.content.decode()
    assert _item(v.item) == ("大米一袋", 20, 4, True)


def test_only_who_sets_the_rates_changes_an_item(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    url = reverse("web:volunteer_catalogue_item", args=[v.item.pk])
    data = {"name": "x", "points": 1, "stock": 99, "stock_was": 5, "active": "on"}
    for persona in ("community_staff", "worker_b", "volunteer_b"):
        assert _as(s, persona).post(url, data).status_code == 403
        assert _as(s, persona).get(url).status_code == 403
    assert _item(v.item) == ("大米一袋", 20, 5, True)
    catalogue = _as(s, "community_staff").get(reverse("web:volunteer_catalogue")).content.decode()
    assert url not in catalogue

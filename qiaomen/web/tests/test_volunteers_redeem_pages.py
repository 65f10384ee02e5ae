"""A volunteer redeems their own points on their own page (me/redeem/), never another
volunteer's; a refusal is shown there (422) and changes nothing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from qiaomen.participation.models.volunteer_points import CatalogueItem, PointsEntry
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.participation.volunteers.ledger import catalogue_item_save, points_balance
from qiaomen.testing import SmallStreet, sign_in


def _as(small_street: SmallStreet, persona: str) -> Client:
    return sign_in(Client(), small_street.users[persona])


def _item(item: CatalogueItem) -> tuple[str, int, int, bool]:
    item.refresh_from_db()
    return item.name, item.points, item.stock, item.active


def test_a_volunteer_redeems_for_themselves_and_refusals_change_nothing(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "volunteer_b")
    url = reverse("web:volunteer_me_redeem")
    assert url in client.get(reverse("web:volunteer_me")).content.decode()
    assert client.post(url, {"item": v.item.pk}).status_code == 302  # 30 points, the rice costs 20
    assert points_balance(v.volunteer_b) == 10 and _item(v.item)[2] == 4
    entry = PointsEntry.objects.filter(volunteer=v.volunteer_b).order_by("-seq").first()
    assert entry is not None and (entry.item, entry.created_by) == (v.item, s.users["volunteer_b"])

    poor = client.post(url, {"item": v.item.pk})
    assert poor.status_code == 422 and "积分不足" in poor.content.decode()
    assert points_balance(v.volunteer_b) == 10 and _item(v.item)[2] == 4

    gone = catalogue_item_save(street=s.street, name="已兑完的券", points=1, stock=0, actor=s.users["street_admin"])
    empty = client.post(url, {"item": gone.pk})
    assert empty.status_code == 422 and "已兑完" in empty.content.decode()
    assert points_balance(v.volunteer_b) == 10 and _item(gone)[2] == 0

    withdrawn = catalogue_item_save(
        street=s.street, name="下架", points=1, stock=3, active=False, actor=s.users["street_admin"]
    )
    assert client.post(url, {"item": withdrawn.pk}).status_code == 422
    assert points_balance(v.volunteer_b) == 10 and _item(withdrawn)[2] == 3


def test_a_volunteer_cannot_redeem_for_another_volunteer(small_street: SmallStreet) -> None:
    """Volunteer A (no points) has no way to spend volunteer B's 30: the staff page is closed to
    them, and their own page redeems for themselves whatever the request names."""
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "volunteer_a")
    staff = client.post(reverse("web:volunteer_redeem", args=[v.volunteer_b.pk]), {"item": v.item.pk})
    assert staff.status_code == 403
    own = client.post(reverse("web:volunteer_me_redeem"), {"item": v.item.pk, "volunteer": v.volunteer_b.pk})
    assert own.status_code == 422 and "积分不足" in own.content.decode()
    assert points_balance(v.volunteer_b) == 30 and _item(v.item)[2] == 5
    assert not PointsEntry.objects.filter(volunteer=v.volunteer_a).exists()


def test_staff_have_no_own_page_to_redeem_from(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    assert _as(s, "street_admin").post(reverse("web:volunteer_me_redeem"), {"item": v.item.pk}).status_code == 403
    assert _item(v.item)[2] == 5

"""The volunteers' pages: scoped to the user's places, a volunteer sees only their own page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qiaomen.participation.models.volunteer_points import CatalogueItem, PointsEntry, ServiceRate
from qiaomen.participation.models.volunteers import StarRating, Volunteer, VolunteerApplication
from qiaomen.participation.tests.volunteer_helpers import enrol_in_team, make_volunteers
from qiaomen.testing import SmallStreet, make_household, make_person, sign_in


def _as(small_street: SmallStreet, persona: str) -> Client:
    return sign_in(Client(), small_street.users[persona])


def test_the_list_shows_the_volunteers_of_ones_grid_only(small_street: SmallStreet) -> None:
    make_volunteers(small_street)
    page = _as(small_street, "worker_b").get(reverse("web:volunteer_list")).content.decode()
    assert "李建国" in page and "赵志愿" not in page


@pytest.mark.parametrize("persona", ["volunteer_a", "building_chief", "dept_handler", "auditor"])
def test_roles_without_volunteer_rights_get_403_on_the_list(small_street: SmallStreet, persona: str) -> None:
    make_volunteers(small_street)
    assert _as(small_street, persona).get(reverse("web:volunteer_list")).status_code == 403


def test_a_volunteer_sees_their_own_page_and_households_and_nothing_of_others(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "volunteer_a")
    page = client.get(reverse("web:volunteer_me")).content.decode()
    assert s.building_a.address in page and s.building_b.address not in page
    assert client.get(reverse("web:volunteer_detail", args=[v.volunteer_a.pk])).status_code == 403
    assert client.get(reverse("web:household_detail", args=[s.household_a.pk])).status_code == 404
    other = _as(s, "volunteer_b").get(reverse("web:volunteer_me")).content.decode()
    assert "重阳节活动" in other and "30" in other


def test_a_volunteer_records_their_own_hours_for_confirmation(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    data = {"kind": "activity", "hours": "2", "served_on": "2020-01-01", "description": "敬老院陪伴"}
    response = _as(s, "volunteer_a").post(reverse("web:volunteer_me"), data)
    assert response.status_code == 302
    assert v.volunteer_a.services.get().status == "pending"
    bad = _as(s, "volunteer_a").post(reverse("web:volunteer_me"), {**data, "kind": "visit"})
    assert bad.status_code == 422 and "走访" in bad.content.decode()


def test_the_grid_worker_confirms_from_the_queue_and_points_are_earned(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "worker_b")
    assert "清扫楼道" in client.get(reverse("web:volunteer_hours_queue")).content.decode()
    assert client.post(reverse("web:volunteer_hours_confirm", args=[v.pending_b.pk])).status_code == 302
    assert PointsEntry.objects.filter(service=v.pending_b).get().points == 20
    assert "清扫楼道" not in _as(s, "worker_a").get(reverse("web:volunteer_hours_queue")).content.decode()
    assert _as(s, "worker_a").post(reverse("web:volunteer_hours_confirm", args=[v.pending_b.pk])).status_code == 404


def test_a_rejection_without_reason_is_refused(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    response = _as(s, "worker_b").post(reverse("web:volunteer_hours_reject", args=[v.pending_b.pk]), {"reason": ""})
    assert response.status_code == 422
    v.pending_b.refresh_from_db()
    assert v.pending_b.status == "pending"


def test_staff_redeem_for_a_volunteer_and_see_the_ledger(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "street_admin")
    response = client.post(reverse("web:volunteer_redeem", args=[v.volunteer_b.pk]), {"item": v.item.pk})
    assert response.status_code == 302
    card = client.get(reverse("web:volunteer_detail", args=[v.volunteer_b.pk])).content.decode()
    assert "大米一袋" in card and CatalogueItem.objects.get(pk=v.item.pk).stock == 4
    dear = CatalogueItem.objects.create(street=s.street, name="冰箱", points=999, stock=1)
    refused = client.post(reverse("web:volunteer_redeem", args=[v.volunteer_b.pk]), {"item": dear.pk})
    assert refused.status_code == 422 and "积分不足" in refused.content.decode()


def test_a_sixth_team_member_is_refused_on_the_card(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    household = make_household(s.building_a, "301")
    for n in range(4):
        enrol_in_team(s, make_person(household, f"队员{n}"), v.team_a)
    sixth = Volunteer.objects.create(person=make_person(household, "第六"), grid=s.grid_a, joined_on="2026-01-01")
    response = _as(s, "street_admin").post(reverse("web:volunteer_join_team", args=[sixth.pk]), {"team": v.team_a.pk})
    assert response.status_code == 409 and "最多" in response.content.decode()


def test_the_street_sets_rates_and_the_catalogue(small_street: SmallStreet) -> None:
    s = small_street
    make_volunteers(s)
    client = _as(s, "street_admin")
    assert client.post(reverse("web:volunteer_catalogue"), {"kind": "errand", "points_per_hour": 12}).status_code == 302
    assert ServiceRate.objects.get(kind="errand").points_per_hour == 12
    added = client.post(reverse("web:volunteer_catalogue"), {"name": "理发券", "points": 15, "stock": 3})
    assert added.status_code == 302 and CatalogueItem.objects.filter(name="理发券").exists()
    assert (
        _as(s, "worker_b").post(reverse("web:volunteer_catalogue"), {"name": "x", "points": 1, "stock": 1}).status_code
        == 403
    )


def test_the_stars_page_shows_the_rule_beside_the_stars(small_street: SmallStreet) -> None:
    s = small_street
    make_volunteers(s)
    client = _as(s, "street_admin")
    this_year = timezone.localdate().year
    assert client.post(reverse("web:volunteer_stars"), {"year": this_year}).status_code == 302
    page = client.get(reverse("web:volunteer_stars"), {"year": this_year}).content.decode()
    assert "李建国" in page and "20" in page and "小时" in page
    assert StarRating.objects.filter(year=this_year).count() == 2


def test_an_application_is_accepted_into_a_volunteer(small_street: SmallStreet) -> None:
    s = small_street
    application = VolunteerApplication.objects.create(
        household=s.household_a, skills="修电器", received_at="2026-01-01T00:00Z"
    )
    client = _as(s, "community_staff")
    response = client.post(reverse("web:volunteer_application", args=[application.pk]), {"person": s.elder_a.pk})
    assert response.status_code == 302
    assert Volunteer.objects.get(person=s.elder_a).grid == s.grid_a


def test_staff_enrol_a_person_from_the_registry(small_street: SmallStreet) -> None:
    s = small_street
    client = _as(s, "community_staff")
    assert client.get(reverse("web:volunteer_enrol", args=[s.elder_a.pk])).status_code == 200
    response = client.post(reverse("web:volunteer_enrol", args=[s.elder_a.pk]), {"grid": s.grid_a.pk, "skills": "唱歌"})
    assert response.status_code == 302
    assert client.get(reverse("web:volunteer_enrol", args=[s.resident_b.pk])).status_code == 404

"""A volunteer's card, continued (views_manage.py): pause, resume and end the service with a
reason, link a sign-in account, release a household, take the volunteer out of their team. Each
is MANAGE_VOLUNTEERS' and scoped to the user's places; a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.roles import Role
from qiaomen.participation.models.volunteers import Team, Volunteer
from qiaomen.participation.tests.volunteer_helpers import Volunteers, make_volunteers
from qiaomen.participation.volunteers.enrolment import volunteer_enrol
from qiaomen.testing import SmallStreet, make_user, sign_in


def _as(small_street: SmallStreet, persona: str) -> Client:
    return sign_in(Client(), small_street.users[persona])


def _status(v: Volunteer) -> str:
    v.refresh_from_db()
    return v.status


def test_staff_pause_resume_and_end_a_service_with_a_reason(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "community_staff")
    url = reverse("web:volunteer_status", args=[v.volunteer_a.pk])
    card = client.get(reverse("web:volunteer_detail", args=[v.volunteer_a.pk])).content.decode()
    assert "暂停服务" in card and "结束服务" in card and "恢复服务" not in card
    refused = client.post(url, {"status": "paused", "reason": ""})
    assert refused.status_code == 422 and _status(v.volunteer_a) == "active"
    assert client.post(url, {"status": "paused", "reason": "住院"}).status_code == 302
    assert _status(v.volunteer_a) == "paused"
    assert "恢复服务" in client.get(reverse("web:volunteer_detail", args=[v.volunteer_a.pk])).content.decode()
    assert client.post(url, {"status": "left", "reason": "搬走了"}).status_code == 302
    assert _status(v.volunteer_a) == "left" and v.volunteer_a.team is None
    assert not v.volunteer_a.care.exists() and Team.objects.get(pk=v.team_a.pk).member_count == 0
    again = client.post(url, {"status": "active", "reason": "回来了"})
    assert again.status_code == 422 and _status(v.volunteer_a) == "left"


@pytest.mark.parametrize(
    ("persona", "expected"), [("worker_a", 403), ("supervisor", 403), ("volunteer_a", 403), ("community_staff", 404)]
)
def test_who_may_not_change_a_service_changes_nothing(small_street: SmallStreet, persona: str, expected: int) -> None:
    s = small_street
    v = make_volunteers(s)
    target = v.volunteer_b if persona == "community_staff" else v.volunteer_a  # grid B is not community 1's
    response = _as(s, persona).post(
        reverse("web:volunteer_status", args=[target.pk]), {"status": "paused", "reason": "x"}
    )
    assert response.status_code == expected and _status(target) == "active"


def test_staff_link_an_account_that_no_volunteer_has_yet(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    volunteer = volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=s.users["street_admin"])
    free = make_user("v_free", Role.VOLUNTEER, places=(s.community_1,))  # an account community 1 keeps
    client = _as(s, "community_staff")
    card = client.get(reverse("web:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "v_free" in card and "volunteer1" not in card  # volunteer_a's account is taken
    url = reverse("web:volunteer_account", args=[volunteer.pk])
    taken = client.post(url, {"account": s.users["volunteer_a"].pk})
    assert taken.status_code == 422
    volunteer.refresh_from_db()
    assert volunteer.user is None
    assert client.post(url, {"account": free.pk}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.user == free
    another = make_user("v_another", Role.VOLUNTEER, places=(s.community_1,))
    second = client.post(reverse("web:volunteer_account", args=[v.volunteer_a.pk]), {"account": another.pk})
    assert second.status_code == 409 and "已有登录账号" in second.content.decode()


def test_staff_release_a_household_the_volunteer_looks_after_only(small_street: SmallStreet) -> None:
    s = small_street
    v: Volunteers = make_volunteers(s)
    client = _as(s, "street_admin")
    url = reverse("web:volunteer_care_release", args=[v.volunteer_b.pk])
    other = client.post(url, {"household": s.household_a.pk})  # volunteer A's household
    assert other.status_code == 422 and v.volunteer_a.care.filter(household=s.household_a).exists()
    assert client.post(url, {"household": s.household_b.pk}).status_code == 302
    assert not v.volunteer_b.care.exists()


def test_staff_take_a_volunteer_out_of_their_team(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    client = _as(s, "street_admin")
    card = client.get(reverse("web:volunteer_detail", args=[v.volunteer_b.pk])).content.decode()
    assert reverse("web:volunteer_leave_team", args=[v.volunteer_b.pk]) in card
    url = reverse("web:volunteer_leave_team", args=[v.volunteer_b.pk])
    assert client.post(url).status_code == 302
    v.volunteer_b.refresh_from_db()
    assert v.volunteer_b.team is None and not v.volunteer_b.care.exists()
    again = client.post(url)
    assert again.status_code == 422 and "不在任何队伍" in again.content.decode()
    assert _as(s, "worker_b").post(reverse("web:volunteer_leave_team", args=[v.volunteer_a.pk])).status_code == 403

"""Volunteers and teams (R-PAR-1): a link to the registry person, 1 + 5 + N, sixth refused."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest import MonkeyPatch

from qiaomen.accounts.roles import GRANTABLE_ROLES, Capability, Role
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.models import TransitionEvent
from qiaomen.participation.models.volunteers import Team, Volunteer, VolunteerStatus
from qiaomen.participation.tests.volunteer_helpers import enrol_in_team, make_volunteers
from qiaomen.participation.volunteers import enrolment
from qiaomen.participation.volunteers.applications import application_accept, application_receive
from qiaomen.participation.volunteers.enrolment import (
    care_assign,
    care_release,
    team_add,
    team_create,
    team_remove,
    volunteer_enrol,
    volunteer_link_account,
    volunteer_set_status,
)
from qiaomen.participation.volunteers.selectors import accounts_free_to_link
from qiaomen.testing import SmallStreet, make_household, make_person, make_user


def test_a_volunteer_links_the_registry_person_and_copies_none_of_their_data(small_street: SmallStreet) -> None:
    v = make_volunteers(small_street)
    names = {f.name for f in Volunteer._meta.get_fields()}
    assert not names & {"name", "phone", "id_number", "phone_hash", "id_number_hash"}
    assert v.volunteer_b.person == small_street.resident_b


def test_a_person_is_a_volunteer_once(small_street: SmallStreet) -> None:
    s = small_street
    volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=s.users["street_admin"])
    with pytest.raises(Conflict) as refused:
        volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=s.users["street_admin"])
    assert refused.value.code == "volunteer_exists"


def test_the_account_must_carry_the_volunteer_role(small_street: SmallStreet) -> None:
    s = small_street
    with pytest.raises(InvalidInput) as refused:
        volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=s.users["street_admin"], user=s.users["worker_a"])
    assert refused.value.code == "account_not_volunteer"
    assert not Volunteer.objects.exists()


def test_an_account_is_linked_only_by_someone_who_keeps_it(small_street: SmallStreet) -> None:
    """Community 1's staff neither see nor link a volunteer account of community 2; the street's
    admin, who keeps both communities' accounts, may."""
    s = small_street
    account = make_user("volunteer_c2", Role.VOLUNTEER, places=(s.community_2,))
    staff = s.users["community_staff"]
    assert account not in accounts_free_to_link(staff)
    with pytest.raises(InvalidInput) as refused:
        volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=staff, user=account)
    assert refused.value.code == "account_out_of_reach"
    assert not Volunteer.objects.exists()
    assert account in accounts_free_to_link(s.users["street_admin"])
    volunteer = volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=s.users["street_admin"], user=account)
    assert volunteer.user == account


def test_a_team_takes_five_volunteers_and_refuses_the_sixth(small_street: SmallStreet) -> None:
    s = small_street
    team = team_create(grid=s.grid_a, leader=s.users["worker_a"], name="一队", actor=s.users["street_admin"])
    household = make_household(s.building_a, "102")
    for n in range(5):
        enrol_in_team(s, make_person(household, f"志愿{n}", birth=dt.date(1980, 1, n + 1)), team)
    sixth = volunteer_enrol(
        person=make_person(household, "第六人", birth=dt.date(1981, 2, 2)), grid=s.grid_a, actor=s.users["street_admin"]
    )
    with pytest.raises(Conflict) as refused:
        team_add(team=team, volunteer=sixth, actor=s.users["street_admin"])
    assert refused.value.code == "team_full"
    assert "五" in str(refused.value.message) or "five" in str(refused.value.message)
    sixth.refresh_from_db()
    assert sixth.team is None
    assert Team.objects.get(pk=team.pk).member_count == 5 == team.members.count()


def test_leaving_frees_the_place_and_the_households(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    volunteer_set_status(
        volunteer=v.volunteer_a, status=VolunteerStatus.LEFT, reason="搬走了", actor=s.users["street_admin"]
    )
    v.team_a.refresh_from_db()
    assert v.team_a.member_count == 0
    assert not v.volunteer_a.care.exists()


def test_a_team_is_led_by_a_grid_worker_of_its_grid(small_street: SmallStreet) -> None:
    s = small_street
    with pytest.raises(InvalidInput):
        team_create(grid=s.grid_b, leader=s.users["worker_a"], name="错队", actor=s.users["street_admin"])


def test_a_volunteer_looks_after_households_of_their_grid_only_one_each(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    with pytest.raises(InvalidInput):
        care_assign(volunteer=v.volunteer_a, household=s.household_b, actor=s.users["street_admin"])
    other = enrol_in_team(s, make_person(s.household_a, "钱邻居", birth=dt.date(1990, 1, 1)), v.team_a)
    with pytest.raises(Conflict):
        care_assign(volunteer=other, household=s.household_a, actor=s.users["street_admin"])


def test_an_application_becomes_a_volunteer_of_a_household_member(small_street: SmallStreet) -> None:
    s = small_street
    application = application_receive(household=s.household_a, skills="修电器", availability="晚上")
    with pytest.raises(InvalidInput):
        application_accept(application=application, person=s.resident_b, actor=s.users["community_staff"])
    volunteer = application_accept(application=application, person=s.elder_a, actor=s.users["community_staff"])
    application.refresh_from_db()
    assert (application.status, application.volunteer, volunteer.grid) == ("accepted", volunteer, s.grid_a)
    assert volunteer.skills == "修电器"


def test_an_empty_application_is_refused(small_street: SmallStreet) -> None:
    with pytest.raises(InvalidInput):
        application_receive(household=small_street.household_a, skills=" ", availability="")


def test_the_volunteer_role_may_be_given_by_community_staff(small_street: SmallStreet) -> None:
    assert Role.VOLUNTEER in GRANTABLE_ROLES[Role.COMMUNITY_STAFF]
    assert make_user("v9", Role.VOLUNTEER).can(Capability.SERVE_AS_VOLUNTEER)
    assert not make_user("v8", Role.VOLUNTEER).can(Capability.VIEW_REGISTRY)


def test_a_change_of_service_says_why_and_is_kept_in_the_history(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    with pytest.raises(InvalidInput) as refused:
        volunteer_set_status(
            volunteer=v.volunteer_a, status=VolunteerStatus.PAUSED, reason=" ", actor=s.users["street_admin"]
        )
    assert refused.value.code == "reason_missing"
    v.volunteer_a.refresh_from_db()
    assert v.volunteer_a.status == VolunteerStatus.ACTIVE
    paused = volunteer_set_status(
        volunteer=v.volunteer_a, status=VolunteerStatus.PAUSED, reason="住院", actor=s.users["street_admin"]
    )
    resumed = volunteer_set_status(
        volunteer=paused, status=VolunteerStatus.ACTIVE, reason="出院", actor=s.users["street_admin"]
    )
    assert resumed.status == VolunteerStatus.ACTIVE and resumed.team == v.team_a
    history = TransitionEvent.objects.filter(object_type="participation.volunteer", object_id=str(v.volunteer_a.pk))
    assert list(history.filter(action__startswith="status_").values_list("reason", flat=True)) == ["住院", "出院"]


def test_an_account_is_linked_after_enrolment_once(small_street: SmallStreet) -> None:
    s = small_street
    admin = s.users["street_admin"]
    volunteer = volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=admin)
    account = make_user("v_late", Role.VOLUNTEER)
    assert volunteer_link_account(volunteer=volunteer, user=account, actor=admin).user == account
    with pytest.raises(Conflict) as refused:
        volunteer_link_account(volunteer=volunteer, user=make_user("v_other", Role.VOLUNTEER), actor=admin)
    assert refused.value.code == "volunteer_has_account"
    volunteer.refresh_from_db()
    assert volunteer.user == account


def test_an_account_linked_elsewhere_meanwhile_is_a_clear_refusal(
    small_street: SmallStreet, monkeypatch: MonkeyPatch
) -> None:
    """Two staff link the same account at once: both checks pass, the database keeps one."""
    s = small_street
    v = make_volunteers(s)
    volunteer = volunteer_enrol(person=s.elder_a, grid=s.grid_a, actor=s.users["street_admin"])
    monkeypatch.setattr(enrolment, "_check_account", lambda user, actor: None)
    with pytest.raises(Conflict) as refused:
        volunteer_link_account(volunteer=volunteer, user=s.users["volunteer_a"], actor=s.users["street_admin"])
    assert refused.value.code == "account_taken"
    volunteer.refresh_from_db()
    assert volunteer.user is None and v.volunteer_a.user == s.users["volunteer_a"]


def test_a_household_is_released_and_a_volunteer_taken_out_of_the_team(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)
    admin = s.users["street_admin"]
    care_release(volunteer=v.volunteer_b, household=s.household_b, actor=admin)
    assert not v.volunteer_b.care.exists()
    with pytest.raises(InvalidInput):
        care_release(volunteer=v.volunteer_b, household=s.household_b, actor=admin)
    out = team_remove(volunteer=v.volunteer_b, actor=admin)
    v.team_b.refresh_from_db()
    assert out.team is None and v.team_b.member_count == 0

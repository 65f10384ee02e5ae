"""Emergency plans: kept by the street admin, activated for an area (visits there paused through
the visits service, a check list of every lived-in household, the plan's groups first), checked
off by each grid's worker, progress by community, ended (the pause lifted)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from qiaomen.accounts.roles import Role
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.devices.models import ActivationStatus, CheckOutcome, EmergencyPlan, HouseholdCheck, PlanKind
from qiaomen.devices.plans import ContactInput, household_check_record, plan_activate, plan_deactivate, plan_save
from qiaomen.devices.scope import activation_for_user, check_for_user, checks_for_user
from qiaomen.devices.selectors import activation_progress
from qiaomen.registry.models import Household, HouseholdStatus, Tag
from qiaomen.testing import SmallStreet, make_household, make_person
from qiaomen.visits.selectors import paused_grid_ids


def typhoon_plan(street: SmallStreet) -> EmergencyPlan:
    return plan_save(
        user=street.users["street_admin"],
        street=street.street,
        kind=PlanKind.TYPHOON,
        title="防台风预案",
        steps=["发布预警", "转移危房住户", "逐户排查"],
        responsible_roles=[Role.STREET_ADMIN, Role.GRID_WORKER],
        first_tags=[Tag.objects.get(code="disabled")],
        contacts=[ContactInput(name="张队长", role="应急队", phone="138-0000-5678")],
    )


def test_a_plan_keeps_its_steps_and_its_contacts_phones_encrypted_and_masked(small_street: SmallStreet) -> None:
    plan = typhoon_plan(small_street)
    assert plan.steps == ["发布预警", "转移危房住户", "逐户排查"]
    contact = plan.contacts.get()
    assert contact.phone_masked == "138****5678" and contact.phone == "13800005678"
    stored = type(contact).objects.filter(pk=contact.pk).values_list("phone", flat=True).get()
    assert "13800005678" not in stored


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": "meteor"}, "plan_kind_invalid"),
        ({"steps": [" "]}, "plan_steps_required"),
        ({"responsible_roles": ["mayor"]}, "plan_roles_invalid"),
        ({"contacts": [ContactInput(name="张", role="队长", phone="12345")]}, "phone_format"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_stored(
    small_street: SmallStreet, changes: dict[str, object], code: str
) -> None:
    values: dict[str, object] = {
        "user": small_street.users["street_admin"],
        "street": small_street.street,
        "kind": PlanKind.HEAT_WAVE,
        "title": "高温预案",
        "steps": ["送水"],
        "responsible_roles": [Role.GRID_WORKER],
        "first_tags": [],
        "contacts": [],
    }
    values.update(changes)
    with pytest.raises(InvalidInput) as refused:
        plan_save(**values)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert not EmergencyPlan.objects.exists()


def test_only_the_street_admin_keeps_and_activates_plans(small_street: SmallStreet) -> None:
    plan = typhoon_plan(small_street)
    with pytest.raises(Forbidden):
        plan_activate(user=small_street.users["community_staff"], plan=plan, community=small_street.community_1)


def test_activation_pauses_visits_in_its_area_only_and_ending_lifts_the_pause(small_street: SmallStreet) -> None:
    plan = typhoon_plan(small_street)
    admin = small_street.users["street_admin"]
    activation = plan_activate(user=admin, plan=plan, community=small_street.community_1)
    today = timezone.localdate()
    assert set(paused_grid_ids(on=today)) == {small_street.grid_a.pk}
    with pytest.raises(Conflict):
        plan_activate(user=admin, plan=plan, community=small_street.community_1)
    activation = plan_deactivate(user=admin, activation=activation)
    assert activation.status == ActivationStatus.ENDED and activation.ended_at is not None
    assert paused_grid_ids(on=today) == {}


def test_the_check_list_holds_every_lived_in_household_with_the_plans_groups_first(small_street: SmallStreet) -> None:
    plain = make_household(small_street.building_a, "102")
    vacant = make_household(small_street.building_a, "103")
    Household.objects.filter(pk=vacant.pk).update(status=HouseholdStatus.VACANT)
    disabled = make_household(small_street.building_a, "104")
    make_person(disabled, "赵伟", tags=("disabled",))
    activation = plan_activate(
        user=small_street.users["street_admin"], plan=typhoon_plan(small_street), community=small_street.community_1
    )
    rows = list(checks_for_user(small_street.users["worker_a"], activation))
    assert [row.household_id for row in rows] == [disabled.pk, small_street.household_a.pk, plain.pk]
    assert [row.special for row in rows] == [True, False, False]
    lived_in = Household.objects.filter(building__grid__community=small_street.community_1).exclude(
        status=HouseholdStatus.VACANT
    )
    assert {row.household_id for row in rows} == set(lived_in.values_list("pk", flat=True))
    assert not checks_for_user(small_street.users["worker_b"], activation).exists()


def test_each_grid_worker_checks_their_own_grid_and_progress_is_by_community(small_street: SmallStreet) -> None:
    activation = plan_activate(user=small_street.users["street_admin"], plan=typhoon_plan(small_street))
    row_a = HouseholdCheck.objects.get(activation=activation, household=small_street.household_a)
    with pytest.raises(Forbidden):
        household_check_record(user=small_street.users["worker_b"], check=row_a, outcome=CheckOutcome.SAFE)
    with pytest.raises(Http404):
        check_for_user(small_street.users["worker_b"], row_a.pk)
    with pytest.raises(InvalidInput):
        household_check_record(user=small_street.users["worker_a"], check=row_a, outcome="fine")
    household_check_record(user=small_street.users["worker_a"], check=row_a, outcome=CheckOutcome.NEEDS_HELP)
    progress = activation_progress(activation=activation)
    by_name = {row.community_name: (row.households, row.checked, row.needs_help) for row in progress}
    assert by_name == {"光明社区": (1, 0, 0), "和平社区": (1, 1, 1), "": (2, 1, 1)}
    assert progress[-1].share == 0.5
    assert set(paused_grid_ids(on=timezone.localdate())) == {small_street.grid_a.pk, small_street.grid_b.pk}
    plan_deactivate(user=small_street.users["street_admin"], activation=activation)
    with pytest.raises(Conflict):
        household_check_record(user=small_street.users["worker_a"], check=row_a, outcome=CheckOutcome.SAFE)


def test_an_activation_is_seen_within_its_area(small_street: SmallStreet) -> None:
    activation = plan_activate(
        user=small_street.users["street_admin"], plan=typhoon_plan(small_street), grid=small_street.grid_a
    )
    assert activation_for_user(small_street.users["worker_a"], activation.pk) == activation
    with pytest.raises(Http404):
        activation_for_user(small_street.users["worker_b"], activation.pk)

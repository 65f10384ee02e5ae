"""The devices' figures of a period and a place (command centre, wall screen): each number equals
the rows it counts, the median and p95 come from the acknowledgement records only (nothing
invented when none was acknowledged), and a community's staff count their own devices only."""

from __future__ import annotations

import datetime as dt

import pytest

from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.devices.figures import AlarmRows, alarm_rows, device_figures, offline_devices, percentile, screen_devices
from qiaomen.devices.models import CheckOutcome, HouseholdCheck
from qiaomen.devices.models.acknowledgements import AckRung
from qiaomen.devices.models.devices import DeviceKind
from qiaomen.devices.plans import household_check_record, plan_activate, plan_deactivate
from qiaomen.devices.selectors import activations_in_progress
from qiaomen.devices.tests.figures_street import NOVEMBER_END, NOVEMBER_START, DeviceStreet, make_device_street
from qiaomen.devices.tests.test_plans import typhoon_plan
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


@pytest.fixture
def device_street(small_street: SmallStreet) -> DeviceStreet:
    return make_device_street(small_street)


def _rows(scope: PlaceScope, rows: AlarmRows) -> int:
    return alarm_rows(scope=scope, start=NOVEMBER_START, end=NOVEMBER_END, rows=rows).count()


def test_the_street_figures_of_november_count_its_rows(device_street: DeviceStreet) -> None:
    scope = place_scope(device_street.street.users["street_admin"])
    found = device_figures(scope=scope, start=NOVEMBER_START, end=NOVEMBER_END)
    assert (found.alarms, found.acknowledged, found.climbed, found.offline) == (4, 3, 2, 1)
    assert (found.median_seconds, found.p95_seconds) == (120, 420)
    assert found.alarms == _rows(scope, AlarmRows.ALARMS)
    assert found.acknowledged == _rows(scope, AlarmRows.ACKNOWLEDGED)
    assert found.climbed == _rows(scope, AlarmRows.CLIMBED)
    assert found.offline == offline_devices(scope=scope).count()


def test_a_community_counts_its_own_devices_only(device_street: DeviceStreet) -> None:
    scope = place_scope(device_street.street.users["community_staff"])
    found = device_figures(scope=scope, start=NOVEMBER_START, end=NOVEMBER_END)
    assert (found.alarms, found.acknowledged, found.climbed, found.offline) == (2, 2, 1, 0)
    assert (found.median_seconds, found.p95_seconds) == (240, 420)
    devices = set(
        alarm_rows(scope=scope, start=NOVEMBER_START, end=NOVEMBER_END, rows=AlarmRows.ALARMS).values_list(
            "device_id", flat=True
        )
    )
    assert devices == {device_street.device_a.pk}


def test_nothing_acknowledged_gives_no_median_and_no_p95(device_street: DeviceStreet) -> None:
    scope = place_scope(device_street.street.users["street_admin"])
    december = device_figures(scope=scope, start=NOVEMBER_END, end=NOVEMBER_END + dt.timedelta(days=31))
    assert (december.alarms, december.acknowledged, december.median_seconds, december.p95_seconds) == (0, 0, None, None)
    only_waiting = device_figures(scope=scope, start=dt.datetime(2026, 11, 16, tzinfo=dt.UTC), end=NOVEMBER_END)
    assert (only_waiting.alarms, only_waiting.acknowledged, only_waiting.median_seconds) == (1, 0, None)


def test_the_p95_is_the_nearest_rank() -> None:
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_the_wall_lists_the_alarm_waiting_with_its_rung_and_minutes(device_street: DeviceStreet) -> None:
    scope = place_scope(device_street.street.users["street_admin"])
    waiting = device_street.waiting
    now = waiting.started_at + dt.timedelta(minutes=12, seconds=30)
    found = screen_devices(scope=scope, now=now)
    assert (found.waiting, found.alarms_today, found.offline) == (1, 1, 1)
    [row] = found.waiting_list
    assert (row.number, row.rung, row.minutes, row.grid) == (
        waiting.ticket_id,
        AckRung.COMMUNITY_DUTY,
        12,
        "光明一网格",
    )
    assert row.kind == str(DeviceKind.SOS_BUTTON.label)
    community = screen_devices(scope=place_scope(device_street.street.users["community_staff"]), now=now)
    assert (community.waiting, community.alarms_today, community.offline, community.waiting_list) == (0, 0, 0, [])


def test_activations_in_progress_count_the_checks_within_the_scope(small_street: SmallStreet) -> None:
    s = small_street
    admin = s.users["street_admin"]
    activation = plan_activate(user=admin, plan=typhoon_plan(s))
    row_a = HouseholdCheck.objects.get(activation=activation, household=s.household_a)
    household_check_record(user=s.users["worker_a"], check=row_a, outcome=CheckOutcome.NEEDS_HELP)
    [street] = activations_in_progress(scope=place_scope(admin))
    assert (street.pk, street.area, street.title) == (activation.pk, "幸福街道", "防台风预案")
    checks = HouseholdCheck.objects.filter(activation=activation)
    progress = street.progress
    assert (progress.households, progress.checked, progress.needs_help) == (checks.count(), 1, 1)
    assert progress.special == checks.filter(special=True).count()
    assert progress.special_checked == checks.filter(special=True, checked_at__isnull=False).count()
    [own] = activations_in_progress(scope=place_scope(s.users["community_staff"]))
    in_community = checks.filter(community=s.community_1)
    assert (own.progress.households, own.progress.checked) == (in_community.count(), 1)
    assert activations_in_progress(scope=place_scope(s.users["worker_b"]))[0].progress.checked == 0
    plan_deactivate(user=admin, activation=activation)
    assert activations_in_progress(scope=place_scope(admin)) == []


def test_an_activation_of_another_community_is_not_in_progress_here(small_street: SmallStreet) -> None:
    s = small_street
    plan_activate(user=s.users["street_admin"], plan=typhoon_plan(s), community=s.community_2)
    assert activations_in_progress(scope=place_scope(s.users["community_staff"])) == []
    [found] = activations_in_progress(scope=place_scope(s.users["street_admin"]))
    assert found.area == "光明社区" and found.progress.households == 1

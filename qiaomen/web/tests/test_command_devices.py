"""The command centre's devices and emergencies: the device figures of the period, each number
opening exactly the rows it counts; the emergency plans in force with their progress, each a link
to its activation page; a community's staff see their own places only; and as many queries with
more alarms and activations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.devices.models import CheckOutcome, HouseholdCheck
from qiaomen.devices.plans import household_check_record, plan_activate
from qiaomen.devices.tests.figures_street import DeviceStreet, alarm_at, make_device_street
from qiaomen.devices.tests.test_plans import typhoon_plan
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
NOVEMBER = {"period": "2026-11"}
DASHBOARD = reverse("web:command")
RECORDS = reverse("web:command_devices")


@pytest.fixture
def device_street(small_street: SmallStreet) -> DeviceStreet:
    return make_device_street(small_street)


def _cards(client: Client, query: dict[str, str] = NOVEMBER) -> dict[str, dict[str, object]]:
    response = client.get(DASHBOARD, query)
    assert response.status_code == 200
    return {card["code"]: card for card in response.context["devices"]}


def test_the_street_sees_its_device_figures_of_the_period(
    device_street: DeviceStreet, client_as: Callable[[str], Client]
) -> None:
    cards = _cards(client_as("street_admin"))
    texts = {code: card["text"] for code, card in cards.items()}
    assert texts == {"alarms": "4", "ack_median": "2.0 分钟", "ack_p95": "7.0 分钟", "climbed": "2", "offline": "1"}


def test_a_community_sees_its_own_devices_only(device_street: DeviceStreet, client_as: Callable[[str], Client]) -> None:
    client = client_as("community_staff")
    cards = _cards(client)
    texts = {code: card["text"] for code, card in cards.items()}
    assert texts == {"alarms": "2", "ack_median": "4.0 分钟", "ack_p95": "7.0 分钟", "climbed": "1", "offline": "0"}
    listed = client.get(RECORDS, {**NOVEMBER, "rows": "alarms"}).content.decode()
    assert "WB-A" in listed and "SOS-B" not in listed


def test_nothing_measured_shows_a_dash(device_street: DeviceStreet, client_as: Callable[[str], Client]) -> None:
    cards = _cards(client_as("street_admin"), {"period": "2026-12"})
    assert (cards["alarms"]["text"], cards["ack_median"]["text"], cards["ack_p95"]["text"]) == ("0", "—", "—")


@pytest.mark.parametrize("persona", ["street_admin", "community_staff"])
def test_every_device_number_opens_as_many_rows(
    device_street: DeviceStreet, client_as: Callable[[str], Client], persona: str
) -> None:
    client = client_as(persona)
    response = client.get(DASHBOARD, NOVEMBER)
    body = response.content.decode()
    for card in response.context["devices"]:
        listed = client.get(card["url"])
        assert listed.status_code == 200, card["code"]
        assert listed.context["page"].paginator.count == card["count"], card["code"]
        assert f'href="{card["url"].replace("&", "&amp;")}"' in body


def test_the_acknowledged_rows_are_the_ones_measured(
    device_street: DeviceStreet, client_as: Callable[[str], Client]
) -> None:
    page = client_as("street_admin").get(RECORDS, {**NOVEMBER, "rows": "acknowledged"}).context["page"]
    assert all(ack.acknowledged_at is not None for ack in page)
    assert device_street.waiting.pk not in {ack.pk for ack in page}


@pytest.mark.parametrize("query", [{"rows": "everything"}, {}, {"rows": "alarms", "period": "2026-13"}])
def test_a_bad_device_drill_down_says_so(
    small_street: SmallStreet, client_as: Callable[[str], Client], query: dict[str, str]
) -> None:
    assert client_as("street_admin").get(RECORDS, query).status_code == 422


@pytest.mark.parametrize("persona", ["worker_a", "dept_handler", "building_chief", "auditor"])
def test_other_roles_get_no_device_records(
    small_street: SmallStreet, client_as: Callable[[str], Client], persona: str
) -> None:
    assert client_as(persona).get(RECORDS, {**NOVEMBER, "rows": "alarms"}).status_code == 403


def test_the_plans_in_progress_show_their_checks_within_the_users_places(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    activation = plan_activate(user=s.users["street_admin"], plan=typhoon_plan(s))
    check = HouseholdCheck.objects.get(activation=activation, household=s.household_a)
    household_check_record(user=s.users["worker_a"], check=check, outcome=CheckOutcome.NEEDS_HELP)
    admin = client_as("street_admin").get(DASHBOARD)
    [row] = admin.context["activations"]
    assert (row.progress.checked, row.progress.households, row.progress.needs_help) == (1, 2, 1)
    body = admin.content.decode()
    assert reverse("web:activation_detail", args=[activation.pk]) in body and "防台风预案" in body
    staff = client_as("community_staff").get(DASHBOARD)
    [own] = staff.context["activations"]
    assert (own.progress.checked, own.progress.households) == (1, 1)
    assert reverse("web:activation_detail", args=[activation.pk]) in staff.content.decode()


def test_no_plan_in_force_says_so(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    response = client_as("street_admin").get(DASHBOARD)
    assert response.context["activations"] == [] and "没有启动" in response.content.decode()


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD, NOVEMBER).status_code == 200
    return len(captured)


def test_more_alarms_and_activations_cost_no_more_queries(
    device_street: DeviceStreet, client_as: Callable[[str], Client]
) -> None:
    s = device_street.street
    client = client_as("street_admin")
    client.get(DASHBOARD)  # the session is saved once, after signing in
    plan = typhoon_plan(s)
    plan_activate(user=s.users["street_admin"], plan=plan, community=s.community_1)
    before = _count(client)
    for number in range(3):
        at = dt.datetime(2026, 11, 20 + number, 2, 0, tzinfo=dt.UTC)
        alarm_at(device_street.vendor, device_street.device_a, at, 20 + number)
    plan_activate(user=s.users["street_admin"], plan=plan, community=s.community_2)
    assert _count(client) == before

"""The wall screen's alerts: open P1 tickets and escalations, counted in the scope, listed with
no personal data."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.screen import screen_alerts
from qiaomen.analytics.tests.heat_street import DESCRIPTION, T0, HeatStreet, make_heat_street
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
LATER = T0 + dt.timedelta(hours=4)


@pytest.fixture
def heat_street(small_street: SmallStreet) -> HeatStreet:
    return make_heat_street(small_street)


def test_the_open_p1_and_the_escalation_are_counted_and_listed(heat_street: HeatStreet) -> None:
    s = heat_street.street
    alerts = screen_alerts(scope=place_scope(s.users["street_admin"]), now=LATER)
    # Escalated: the hazard, and October's meal demand that nobody took in ten days.
    assert (alerts.open_p1, alerts.new_p1_today, alerts.escalated) == (1, 1, 2)
    assert [ticket.number for ticket in alerts.p1] == [heat_street.hazard.pk]
    assert heat_street.hazard.pk in [ticket.number for ticket in alerts.escalations]
    assert sum(count for _, count in alerts.escalated_by_level) == 2
    [line] = alerts.p1
    assert (line.subcategory, line.grid, line.hours_open) == ("安全隐患", s.grid_a.name, 4)


def test_the_lists_hold_no_personal_data(heat_street: HeatStreet) -> None:
    s = heat_street.street
    alerts = screen_alerts(scope=place_scope(s.users["street_admin"]), now=LATER)
    shown = " ".join(str(value) for line in alerts.p1 + alerts.escalations for value in dataclasses.astuple(line))
    for private in (s.elder_a.name, s.building_a.address, DESCRIPTION, s.household_a.building.address):
        assert private not in shown


def test_a_p1_made_yesterday_in_shanghai_is_open_but_not_new_today(heat_street: HeatStreet) -> None:
    s = heat_street.street
    alerts = screen_alerts(scope=place_scope(s.users["street_admin"]), now=T0 + dt.timedelta(days=1))
    assert (alerts.open_p1, alerts.new_p1_today) == (1, 0)


def test_outside_the_scope_nothing_is_counted(heat_street: HeatStreet) -> None:
    s = heat_street.street
    alerts = screen_alerts(scope=place_scope(s.users["worker_b"]), now=LATER)
    assert (alerts.open_p1, alerts.escalated, alerts.p1) == (0, 1, [])
    assert heat_street.hazard.pk not in [ticket.number for ticket in alerts.escalations]
    nobody = screen_alerts(scope=place_scope(s.users["unassigned"]), now=LATER)
    assert (nobody.open_p1, nobody.escalated, nobody.p1, nobody.escalations) == (0, 0, [], [])

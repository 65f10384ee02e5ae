"""The participation rate and the active groups on a hand-made street, number by number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from qiaomen.accounts.scopes import place_scope
from qiaomen.participation.activities.activities import activity_checkin
from qiaomen.participation.activities.groups import group_create
from qiaomen.participation.activities.rate import (
    groups_with_activity,
    households_taking_part,
    participation_figures,
    participation_table,
)
from qiaomen.participation.models.activities import Activity, AttendanceVia, GroupKind
from qiaomen.participation.tests.activity_helpers import at, make_activity, make_meeting
from qiaomen.registry.models import Household, HouseholdStatus
from qiaomen.testing import SmallStreet, make_household

START, END = at(2025, 1, 1, 0), at(2025, 7, 1, 0)


def _scan(pair: tuple[Activity, Household], when: dt.datetime) -> None:
    activity, household = pair
    with time_machine.travel(when, tick=False):
        activity_checkin(activity=activity, household=household, via=AttendanceVia.SCAN)


def test_rate_by_grid_and_community_counts_each_household_once(small_street: SmallStreet) -> None:
    s = small_street
    # Grid A: household_a and three more, and one that moved out (not counted at all).
    a2, a3, a4 = (make_household(s.building_a, room) for room in ("102", "103", "104"))
    gone = make_household(s.building_a, "105")
    gone.status = HouseholdStatus.MOVED_OUT
    gone.save()
    b2 = make_household(s.building_b, "203")
    spring = make_activity(s, at(2025, 3, 1))
    autumn_before = make_activity(s, at(2024, 11, 1))
    in_b = make_activity(s, at(2025, 4, 1), building=s.building_b)
    _scan((spring, s.household_a), at(2025, 3, 1, 11))
    _scan((spring, gone), at(2025, 3, 1, 11))  # moved out: in neither number
    _scan((autumn_before, a3), at(2024, 11, 1, 11))  # before the period
    make_meeting(s, at(2025, 2, 1), households=(s.household_a, a2))  # household_a counts once
    _scan((in_b, s.household_b), at(2025, 4, 1, 11))
    make_meeting(s, at(2025, 5, 1), households=(b2,), community_2=True)
    make_meeting(s, at(2025, 8, 1), households=(a4,))  # after the period

    table = participation_table(scope=place_scope(s.users["street_admin"]), start=START, end=END)

    by_name = {c.community.name: c for c in table.communities}
    peace, light = by_name["和平社区"], by_name["光明社区"]
    assert (peace.community.households, peace.community.took_part) == (4, 2)
    assert peace.community.rate == Decimal("0.5") and peace.community.met is False
    assert [(g.name, g.households, g.took_part) for g in peace.grids] == [("和平一网格", 4, 2)]
    assert (light.community.households, light.community.took_part) == (2, 2)
    assert light.community.met is True
    assert (table.total.households, table.total.took_part) == (6, 4)
    behind = households_taking_part(scope=place_scope(s.users["worker_a"]), start=START, end=END)
    assert set(behind) == {s.household_a, a2}
    # A grid worker counts their grid only.
    mine = participation_table(scope=place_scope(s.users["worker_a"]), start=START, end=END)
    assert (mine.total.households, mine.total.took_part) == (4, 2)


def test_figures_give_the_rate_and_the_active_groups(small_street: SmallStreet) -> None:
    s = small_street
    admin = s.users["street_admin"]
    groups = [
        group_create(user=admin, community=s.community_1, name=name, kind=GroupKind.INTEREST)
        for name in ("合唱队", "巡逻队", "调解组", "环保队")
    ]
    with time_machine.travel(at(2025, 6, 1), tick=False):
        make_activity(s, at(2025, 2, 1), group=groups[0])  # held in the period: active
        make_meeting(s, at(2025, 3, 1), group=groups[1])  # a meeting counts too: active
        make_activity(s, at(2024, 12, 1), group=groups[2])  # before the period: not active
        make_activity(s, at(2025, 6, 20), group=groups[3])  # not held yet: not active
        rows = groups_with_activity(scope=place_scope(admin), start=START, end=END)
        flags = {row.group.name: row.active for row in rows}
        figures = {f.code: f for f in participation_figures(scope=place_scope(admin), start=START, end=END)}
    assert flags == {"合唱队": True, "巡逻队": True, "调解组": False, "环保队": False}
    active = figures["active_groups"]
    assert (active.numerator, active.denominator, active.met) == (2, 4, False)
    rate = figures["participation_rate"]
    assert (rate.numerator, rate.denominator, rate.value, rate.goal) == (0, 2, Decimal(0), Decimal("0.60"))

"""Similar open demands (issue 5, item 5): same sub-category, same building or grid, alike text,
still open, within the window."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiaomen.accounts.models import Department
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_building, make_household
from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create
from qiaomen.tickets.similar import SIMILAR_WINDOW, SIMILARITY_THRESHOLD, similar_open_tickets, text_similarity

LAMP = "3号楼2单元楼道灯坏了，晚上黑漆漆的"
LAMP_AGAIN = "我们2单元楼道里的灯不亮了，晚上上楼看不见"
LEAK = "楼上卫生间漏水，我家天花板都湿了"


def demand(household: Household, text: str, code: str = "LIF-FAC") -> Ticket:
    return ticket_create(
        channel=Channel.STAFF, description=text, subcategory=Subcategory.objects.get(code=code), household=household
    )


# Pairs of the same demand told by two people, and of two different demands of one sub-category.
DUPLICATES = [
    (LAMP, LAMP_AGAIN),
    (LEAK, "天花板渗水，应该是楼上卫生间漏的"),
    ("小区门口的垃圾好几天没人清理了，很臭", "门口垃圾堆了好几天没清，臭死了"),
    ("电梯又坏了，老人下不了楼", "电梯坏了好几天，老人没法下楼"),
    ("路灯坏了", "小区路灯不亮"),
]
DIFFERENT = [
    (LAMP, LEAK),
    (LAMP, "单元门的门禁刷不开了"),
    ("电梯又坏了，老人下不了楼", "楼下的自行车棚顶被风吹掉了"),
]


@pytest.mark.parametrize(("a", "b"), DUPLICATES)
def test_the_same_demand_in_other_words_reaches_the_threshold(a: str, b: str) -> None:
    assert text_similarity(a, b) >= SIMILARITY_THRESHOLD


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_demands_stay_below_the_threshold(a: str, b: str) -> None:
    assert text_similarity(a, b) < SIMILARITY_THRESHOLD


def test_likeness_ignores_punctuation_width_and_filler() -> None:
    assert text_similarity("楼道灯坏了！！", "楼道 灯 坏 了") == pytest.approx(1.0)
    assert text_similarity("ABC电梯", "ａｂｃ电梯") == pytest.approx(1.0)
    assert text_similarity("", LAMP) == 0.0


def test_a_neighbour_in_the_same_building_telling_the_same_demand_is_found(small_street: SmallStreet) -> None:
    s = small_street
    first = demand(s.household_a, LAMP)
    neighbour = make_household(s.building_a, "301")

    second = demand(neighbour, LAMP_AGAIN)

    [found] = similar_open_tickets(second)
    assert found.ticket == first and found.same_building
    assert SIMILARITY_THRESHOLD <= found.similarity <= 1
    assert [f.ticket for f in similar_open_tickets(first)] == [second]


def test_the_same_building_comes_before_the_rest_of_the_grid(small_street: SmallStreet) -> None:
    s = small_street
    other_building = make_household(make_building(s.grid_a, 9), "101")
    in_grid = demand(other_building, LAMP)  # word for word: the higher likeness
    in_building = demand(make_household(s.building_a, "301"), LAMP_AGAIN)

    found = similar_open_tickets(demand(s.household_a, LAMP))

    assert [(f.ticket, f.same_building) for f in found] == [(in_building, True), (in_grid, False)]
    assert found[1].similarity > found[0].similarity


def test_another_subcategory_another_grid_or_other_words_are_not_similar(small_street: SmallStreet) -> None:
    s = small_street
    demand(s.household_a, LAMP, code="LIF-ENV")  # same words, another sub-category
    demand(s.household_b, LAMP)  # same words, grid B
    demand(make_household(s.building_a, "301"), LEAK)  # same building, another demand

    assert similar_open_tickets(demand(s.household_a, LAMP_AGAIN)) == []


def test_resolved_closed_and_merged_tickets_are_not_offered(small_street: SmallStreet) -> None:
    s = small_street
    for number, status in enumerate((Status.RESOLVED, Status.CLOSED, Status.MERGED)):
        ticket = demand(make_household(s.building_a, f"40{number}"), LAMP)
        Ticket.objects.filter(pk=ticket.pk).update(status=status)

    assert similar_open_tickets(demand(s.household_a, LAMP_AGAIN)) == []


def test_only_tickets_within_the_window_are_compared(small_street: SmallStreet) -> None:
    s = small_street
    start = dt.datetime(2026, 10, 1, 2, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        old = demand(s.household_a, LAMP)
    with time_machine.travel(start + SIMILAR_WINDOW + dt.timedelta(days=1), tick=False):
        late = demand(make_household(s.building_a, "301"), LAMP_AGAIN)
    with time_machine.travel(start + SIMILAR_WINDOW - dt.timedelta(days=1), tick=False):
        inside = demand(make_household(s.building_a, "302"), LAMP_AGAIN)

    assert [f.ticket for f in similar_open_tickets(late)] == [inside]
    assert [f.ticket for f in similar_open_tickets(old)] == [inside]


def test_a_user_sees_only_similar_tickets_in_their_scope(small_street: SmallStreet) -> None:
    """A ticket transferred to another department stays in the grid but leaves the handler's view."""
    s = small_street
    first = demand(s.household_a, "想申请助餐，每天送饭上门", code="LIF-MEAL")
    second = demand(make_household(s.building_a, "301"), "老人想申请送餐上门", code="LIF-MEAL")
    handler = s.users["dept_handler"]
    assert [f.ticket for f in similar_open_tickets(second, user=handler)] == [first]

    Ticket.objects.filter(pk=first.pk).update(department=Department.objects.get(code="jiaoyu"))

    assert similar_open_tickets(second, user=handler) == []
    assert [f.ticket for f in similar_open_tickets(second, user=s.users["worker_a"])] == [first]
    assert similar_open_tickets(second, user=s.users["worker_b"]) == []


def test_the_look_up_is_one_bounded_query(small_street: SmallStreet) -> None:
    s = small_street
    for room in range(10):
        demand(make_household(s.building_a, f"5{room:02d}"), LAMP)
    ticket = Ticket.objects.select_related("household").get(pk=demand(s.household_a, LAMP_AGAIN).pk)

    with CaptureQueriesContext(connection) as queries:
        found = similar_open_tickets(ticket, limit=3)

    assert len(found) == 3
    assert len(queries) == 1
    assert "LIMIT" in queries[0]["sql"].upper()

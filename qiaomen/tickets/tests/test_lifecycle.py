"""R-TIC-4…7: routing, the state machine, the triple confirmation and repeats."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import Role
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import Channel, Notification, SpotCheck, Status, Subcategory, Ticket
from qiaomen.tickets.services import (
    ticket_accept,
    ticket_confirm,
    ticket_create,
    ticket_rate,
    ticket_resolve,
    ticket_resubmit,
    ticket_return,
    ticket_start,
    ticket_transfer,
)

pytestmark = pytest.mark.django_db
MONDAY_10 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def _meal_ticket(street: SmallStreet, meals: Subcategory) -> Ticket:
    return ticket_create(
        channel=Channel.VISIT,
        description="独居老人想申请助餐",
        subcategory=meals,
        household=street.household_a,
        created_by=street.users["worker_a"],
    )


def test_a_new_ticket_is_routed_to_its_department_with_stored_deadlines(
    small_street: SmallStreet, meals: Subcategory
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = _meal_ticket(small_street, meals)
    assert (ticket.status, ticket.department.code, ticket.priority, ticket.grid) == (
        Status.ROUTED,
        "minzheng",
        "P2",
        small_street.grid_a,
    )
    assert ticket.accept_by == MONDAY_10 + dt.timedelta(hours=2)
    assert ticket.resolve_by == MONDAY_10 + dt.timedelta(hours=24)
    assert ticket.escalate_after == ticket.accept_by
    assert Notification.objects.filter(user=small_street.users["dept_handler"], ticket=ticket).exists()
    assert list(ticket.events.values_list("action", "old_status", "new_status")) == [("create", "new", "routed")]


def test_the_whole_loop_to_a_rated_closed_ticket(small_street: SmallStreet, meals: Subcategory) -> None:
    handler, worker = small_street.users["dept_handler"], small_street.users["worker_a"]
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = _meal_ticket(small_street, meals)
        ticket = ticket_accept(ticket=ticket, user=handler)
        ticket = ticket_start(ticket=ticket, user=handler)
        ticket, token = ticket_resolve(ticket=ticket, user=handler, note="已安排社区食堂每日送餐")
        ticket = ticket_confirm(ticket=ticket, user=worker)
        assert ticket.status == Status.RESOLVED, "waits for the resident's rating"
        ticket = ticket_rate(token=token, score=5, comment="很满意")
    assert ticket.status == Status.CLOSED and ticket.rating == 5
    assert [e.action for e in ticket.events.all()] == [
        "create",
        "accept",
        "start",
        "resolve",
        "confirm",
        "rate",
        "close",
    ]


def test_a_rating_of_two_reopens_the_ticket_as_a_second_complaint(
    small_street: SmallStreet, meals: Subcategory
) -> None:
    handler = small_street.users["dept_handler"]
    ticket = ticket_accept(ticket=_meal_ticket(small_street, meals), user=handler)
    ticket, token = ticket_resolve(ticket=ticket, user=handler, note="已联系")
    ticket = ticket_rate(token=token, score=2, comment="没人送餐")
    assert ticket.status == Status.REOPENED and ticket.reopen_count == 1
    assert SpotCheck.objects.get(ticket=ticket).reason == "low_rating"
    with pytest.raises(Conflict):
        ticket_rate(token=token, score=5)


def test_only_the_responsible_department_may_accept(small_street: SmallStreet, meals: Subcategory) -> None:
    ticket = _meal_ticket(small_street, meals)
    other = make_user("dept_jiaoyu", Role.DEPARTMENT_HANDLER, department=Department.objects.get(code="jiaoyu"))
    for user in (other, small_street.users["worker_a"]):
        with pytest.raises(Forbidden):
            ticket_accept(ticket=ticket, user=user)


def test_transfer_moves_the_ticket_and_counts_a_wrong_routing(small_street: SmallStreet, meals: Subcategory) -> None:
    health = Department.objects.get(code="weijian")
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = _meal_ticket(small_street, meals)
    later = MONDAY_10 + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        ticket = ticket_transfer(
            ticket=ticket, user=small_street.users["dept_handler"], department=health, reason="需要家庭医生评估饮食"
        )
    assert (ticket.status, ticket.department, ticket.transfer_count) == (Status.TRANSFERRED, health, 1)
    assert ticket.accept_by == later + dt.timedelta(hours=2)
    assert ticket.resolve_by == MONDAY_10 + dt.timedelta(hours=24), "the resident's clock does not restart"
    with pytest.raises(Conflict):  # to the department it is already with: the ticket's state refuses it
        ticket_transfer(ticket=ticket, user=small_street.users["street_admin"], department=health, reason="再转")


def test_returned_for_more_information_then_resubmitted(small_street: SmallStreet, meals: Subcategory) -> None:
    ticket = ticket_return(
        ticket=_meal_ticket(small_street, meals), user=small_street.users["dept_handler"], reason="请补充老人的作息时间"
    )
    assert ticket.status == Status.RETURNED
    ticket = ticket_resubmit(ticket=ticket, user=small_street.users["worker_a"], addition="每天11点在家")
    assert ticket.status == Status.ROUTED and "每天11点在家" in ticket.description


def test_a_transition_from_the_wrong_state_is_a_conflict(small_street: SmallStreet, meals: Subcategory) -> None:
    ticket = _meal_ticket(small_street, meals)
    with pytest.raises(Conflict) as error:
        ticket_resolve(ticket=ticket, user=small_street.users["dept_handler"], note="x")
    assert error.value.code == "transition_not_allowed"


def test_a_stale_copy_of_the_ticket_cannot_act_twice(small_street: SmallStreet, meals: Subcategory) -> None:
    ticket = _meal_ticket(small_street, meals)
    stale = Ticket.objects.get(pk=ticket.pk)
    ticket_accept(ticket=ticket, user=small_street.users["dept_handler"])
    with pytest.raises(Conflict) as error:
        ticket_accept(ticket=stale, user=small_street.users["street_admin"])
    assert error.value.code == "ticket_changed"


def test_the_same_household_and_subcategory_within_90_days_is_a_repeat(
    small_street: SmallStreet, meals: Subcategory, school: Subcategory
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        first = _meal_ticket(small_street, meals)
    with time_machine.travel(MONDAY_10 + dt.timedelta(days=89), tick=False):
        repeat = _meal_ticket(small_street, meals)
        other = ticket_create(
            channel=Channel.STAFF, description="孙子上学", subcategory=school, household=small_street.household_a
        )
    with time_machine.travel(MONDAY_10 + dt.timedelta(days=89 + 91), tick=False):
        much_later = _meal_ticket(small_street, meals)
    assert repeat.repeat_of == first and other.repeat_of is None and much_later.repeat_of is None


def test_a_demand_resolved_on_the_spot_is_closed_at_creation(small_street: SmallStreet, meals: Subcategory) -> None:
    ticket = ticket_create(
        channel=Channel.VISIT,
        description="咨询助餐政策，已当场解答",
        subcategory=meals,
        household=small_street.household_a,
        created_by=small_street.users["worker_a"],
        resolved_on_spot=True,
    )
    assert ticket.status == Status.CLOSED and ticket.resolved_on_spot
    assert ticket.worker_confirmed_by == small_street.users["worker_a"] and ticket.escalate_after is None


def test_a_retired_subcategory_takes_no_new_tickets_but_old_ones_keep_it(
    small_street: SmallStreet, meals: Subcategory
) -> None:
    old = _meal_ticket(small_street, meals)
    Subcategory.objects.filter(pk=meals.pk).update(retired=True)
    meals.refresh_from_db()
    with pytest.raises(InvalidInput):
        _meal_ticket(small_street, meals)
    assert Ticket.objects.get(pk=old.pk).subcategory.code == "LIF-MEAL"


def test_a_bad_rating_link_is_not_found(small_street: SmallStreet) -> None:
    with pytest.raises(NotFound):
        ticket_rate(token="not-a-real-token", score=4)

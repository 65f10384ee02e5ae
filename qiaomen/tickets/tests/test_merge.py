"""Merging a duplicate demand into the ticket that carries on (issue 5, item 5)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.analytics.ticket_figures import ticket_figures_total
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qiaomen.core.models import AuditEntry
from qiaomen.registry.models import Household
from qiaomen.testing import SmallStreet, make_building, make_household, make_user
from qiaomen.tickets.models import Channel, Notification, Priority, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_create, ticket_resolve
from qiaomen.tickets.services.merges import ticket_merge

LAMP = "楼道灯坏了，晚上黑漆漆的"
LAMP_AGAIN = "我们楼道里的灯不亮了"


def demand(household: Household, text: str = LAMP, code: str = "LIF-MEAL", priority: str | None = None) -> Ticket:
    """LIF-MEAL → 民政, so that the small street's 民政 handler sees it."""
    return ticket_create(
        channel=Channel.STAFF,
        description=text,
        subcategory=Subcategory.objects.get(code=code),
        household=household,
        priority=priority,
    )


@pytest.fixture
def pair(small_street: SmallStreet) -> tuple[Ticket, Ticket]:
    """Two tickets of one demand in building A: the first carries on, the second is the duplicate."""
    first = demand(small_street.household_a)
    second = demand(make_household(small_street.building_a, "301"), LAMP_AGAIN)
    return first, second


def test_community_staff_merge_a_duplicate_into_the_open_ticket(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket]
) -> None:
    into, duplicate = pair
    staff = small_street.users["community_staff"]
    assert duplicate.escalate_after is not None

    merged = ticket_merge(duplicate=duplicate, into=into, user=staff, reason="同一盏灯")

    assert (merged.status, merged.merged_into, merged.escalate_after) == (Status.MERGED, into, None)
    assert Ticket.objects.get(pk=into.pk).status == Status.ROUTED
    [event] = merged.events.filter(action="merge")
    assert (event.old_status, event.new_status, event.actor, event.reason) == ("routed", "merged", staff, "同一盏灯")
    assert event.detail == {"into": into.pk}
    [event_in] = into.events.filter(action="merge_in")
    assert event_in.detail == {"from": duplicate.pk} and event_in.actor == staff
    handler = small_street.users["dept_handler"]
    assert Notification.objects.filter(user=handler, ticket=into, text__contains=f"#{duplicate.pk}").exists()
    assert AuditEntry.objects.filter(action="ticket.merge", object_id=str(duplicate.pk)).exists()
    assert AuditEntry.objects.filter(action="ticket.merge_in", object_id=str(into.pk)).exists()


@pytest.mark.parametrize("persona", ["street_admin", "dept_handler"])
def test_the_street_admin_and_the_handling_department_may_merge(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket], persona: str
) -> None:
    into, duplicate = pair
    assert ticket_merge(duplicate=duplicate, into=into, user=small_street.users[persona]).status == Status.MERGED


@pytest.mark.parametrize("persona", ["worker_a", "supervisor", "building_chief", "auditor"])
def test_roles_without_the_right_cannot_merge(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket], persona: str
) -> None:
    into, duplicate = pair
    with pytest.raises(Forbidden):
        ticket_merge(duplicate=duplicate, into=into, user=small_street.users[persona])
    assert Ticket.objects.get(pk=duplicate.pk).status == Status.ROUTED


def _community_staff_of_grid_b(street: SmallStreet) -> User:
    return make_user("community2", Role.COMMUNITY_STAFF, places=(street.community_2,))


def test_staff_of_another_grid_cannot_merge_tickets_they_cannot_see(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket]
) -> None:
    into, duplicate = pair
    with pytest.raises(NotFound):
        ticket_merge(duplicate=duplicate, into=into, user=_community_staff_of_grid_b(small_street))
    assert Ticket.objects.get(pk=duplicate.pk).status == Status.ROUTED


def test_a_handler_cannot_merge_another_departments_ticket(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket]
) -> None:
    into, _ = pair
    school = demand(make_household(small_street.building_a, "302"), code="POL-EDU")  # → 教育
    with pytest.raises(NotFound):
        ticket_merge(duplicate=school, into=into, user=small_street.users["dept_handler"])


def test_a_ticket_cannot_be_merged_into_itself_or_into_another_place(small_street: SmallStreet) -> None:
    s = small_street
    admin = s.users["street_admin"]
    ticket = demand(s.household_a)
    with pytest.raises(InvalidInput) as same:
        ticket_merge(duplicate=ticket, into=ticket, user=admin)
    assert same.value.code == "merge_same_ticket"
    with pytest.raises(InvalidInput) as elsewhere:
        ticket_merge(duplicate=demand(s.household_b), into=ticket, user=admin)
    assert elsewhere.value.code == "merge_different_place"


def test_another_building_of_the_same_grid_may_be_merged(small_street: SmallStreet) -> None:
    s = small_street
    into = demand(s.household_a)
    across = demand(make_household(make_building(s.grid_a, 7), "101"))
    assert ticket_merge(duplicate=across, into=into, user=s.users["street_admin"]).merged_into == into


def test_merging_into_a_merged_or_closed_ticket_is_refused(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket]
) -> None:
    s = small_street
    admin = s.users["street_admin"]
    into, duplicate = pair
    third = demand(make_household(s.building_a, "303"))
    ticket_merge(duplicate=duplicate, into=into, user=admin)

    with pytest.raises(Conflict) as merged_target:
        ticket_merge(duplicate=third, into=Ticket.objects.get(pk=duplicate.pk), user=admin)
    assert merged_target.value.code == "merge_target_not_open"

    Ticket.objects.filter(pk=into.pk).update(status=Status.CLOSED)
    with pytest.raises(Conflict):
        ticket_merge(duplicate=third, into=Ticket.objects.get(pk=into.pk), user=admin)
    with pytest.raises(Conflict) as closed_duplicate:
        ticket_merge(duplicate=Ticket.objects.get(pk=into.pk), into=third, user=admin)
    assert closed_duplicate.value.code == "merge_not_open"
    assert Ticket.objects.get(pk=third.pk).status == Status.ROUTED


def test_a_target_merged_since_it_was_read_is_refused(small_street: SmallStreet, pair: tuple[Ticket, Ticket]) -> None:
    """The page showed `into` open; someone merged it meanwhile: the claim of `into` catches it."""
    s = small_street
    admin = s.users["street_admin"]
    into, duplicate = pair
    stale_into = Ticket.objects.get(pk=duplicate.pk)
    ticket_merge(duplicate=duplicate, into=into, user=admin)
    third = demand(make_household(s.building_a, "303"))

    with pytest.raises(Conflict) as refused:
        ticket_merge(duplicate=third, into=stale_into, user=admin)

    assert refused.value.code == "merge_target_not_open"
    assert Ticket.objects.get(pk=third.pk).status == Status.ROUTED
    assert not third.events.filter(action="merge").exists()


def merges_at_once(merges: list[tuple[int, int, User]]) -> list[str]:
    """Run each (duplicate id, into id, user) merge in its own thread and connection, all released
    together once each has read its tickets; "won" or "409 <code>" for each."""
    barrier = threading.Barrier(len(merges))
    outcomes: list[str] = []

    def merge(duplicate_id: int, into_id: int, user: User) -> None:
        try:
            duplicate, into = Ticket.objects.get(pk=duplicate_id), Ticket.objects.get(pk=into_id)
            barrier.wait()
            ticket_merge(duplicate=duplicate, into=into, user=user)
            outcomes.append("won")
        except Conflict as error:
            outcomes.append(f"409 {error.code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=arguments) for arguments in merges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_merges_of_one_ticket_at_once_make_one_winner(small_street: SmallStreet) -> None:
    s = small_street
    into = demand(s.household_a)
    other = demand(make_household(s.building_a, "302"))
    duplicate = demand(make_household(s.building_a, "301"), LAMP_AGAIN)

    outcomes = merges_at_once(
        [(duplicate.pk, into.pk, s.users["street_admin"]), (duplicate.pk, other.pk, s.users["community_staff"])]
    )

    assert outcomes == ["409 ticket_changed", "won"]
    assert Ticket.objects.get(pk=duplicate.pk).events.filter(action="merge").count() == 1
    assert sum(t.events.filter(action="merge_in").count() for t in (into, other)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_opposite_merges_at_once_leave_one_ticket_open(small_street: SmallStreet) -> None:
    s = small_street
    a = demand(s.household_a)
    b = demand(make_household(s.building_a, "301"), LAMP_AGAIN)

    outcomes = merges_at_once([(a.pk, b.pk, s.users["street_admin"]), (b.pk, a.pk, s.users["community_staff"])])

    assert outcomes[1] == "won" and outcomes[0].startswith("409")
    statuses = sorted(Ticket.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True))
    assert statuses == [Status.MERGED, Status.ROUTED]


def test_an_accepted_ticket_may_be_merged_but_a_resolved_one_not(
    small_street: SmallStreet, pair: tuple[Ticket, Ticket]
) -> None:
    s = small_street
    handler = s.users["dept_handler"]
    into, duplicate = pair
    third = demand(make_household(s.building_a, "303"))
    ticket_resolve(ticket=ticket_accept(ticket=third, user=handler), user=handler, note="已修好")

    with pytest.raises(Conflict):
        ticket_merge(duplicate=Ticket.objects.get(pk=third.pk), into=into, user=handler)
    accepted = ticket_accept(ticket=duplicate, user=handler)
    assert ticket_merge(duplicate=accepted, into=into, user=handler).status == Status.MERGED


def test_merged_tickets_are_not_counted_in_the_figures(small_street: SmallStreet) -> None:
    s = small_street
    admin = s.users["street_admin"]
    into = demand(s.household_a, priority=Priority.P1)
    # The same household again within 90 days: a repeat, had it been a demand of its own.
    duplicate = demand(s.household_a, LAMP_AGAIN, priority=Priority.P1)
    assert duplicate.repeat_of == into
    later = timezone.now() + dt.timedelta(days=1)  # both overdue by then
    before = ticket_figures_total(
        Ticket.objects.all(), start=timezone.now() - dt.timedelta(days=1), end=later, now=later
    )
    assert (before.tickets, before.repeats, before.overdue) == (2, 1, 2)

    ticket_merge(duplicate=duplicate, into=into, user=admin)

    after = ticket_figures_total(
        Ticket.objects.all(), start=timezone.now() - dt.timedelta(days=1), end=later, now=later
    )
    assert (after.tickets, after.repeats, after.overdue) == (1, 0, 1)


def test_a_later_demand_of_the_household_is_a_repeat_of_the_ticket_that_carried_on(small_street: SmallStreet) -> None:
    s = small_street
    start = dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        into = demand(s.household_a)
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        ticket_merge(duplicate=demand(s.household_a, LAMP_AGAIN), into=into, user=s.users["street_admin"])
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        later = demand(s.household_a, "灯又坏了")

    # The merged duplicate is the latest of the household's tickets, yet the repeat links the one that carried on.
    assert later.repeat_of == into

"""The tickets API (issue 4, item 10): create, list, detail, and one POST per transition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qiaomen.accounts.models import Department, User
from qiaomen.accounts.roles import Role
from qiaomen.testing import SmallStreet, make_person, make_user
from qiaomen.tickets.models import Channel, Priority, Status, Subcategory, Ticket
from qiaomen.tickets.services import ticket_accept, ticket_create, ticket_resolve, ticket_return

Headers = Callable[[str], dict[str, str]]
TICKETS = "/api/v1/tickets"
MONDAY_10 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def url(ticket: Ticket, action: str = "") -> str:
    return f"{TICKETS}/{ticket.pk}" + (f"/{action}" if action else "")


def post(client: Client, path: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json", headers=headers)


def meal_ticket(
    s: SmallStreet, *, household: str = "a", person: bool = True, description: str = "想申请助餐"
) -> Ticket:
    """A LIF-MEAL ticket (→ 民政, P2) of grid A's or grid B's household, raised by its worker."""
    return ticket_create(
        channel=Channel.VISIT,
        description=description,
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a if household == "a" else s.household_b,
        person=(s.elder_a if household == "a" else s.resident_b) if person else None,
        created_by=s.users[f"worker_{household}"],
    )


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def handler_jiaoyu(small_street: SmallStreet) -> User:
    return make_user("dept_jiaoyu", Role.DEPARTMENT_HANDLER, department=Department.objects.get(code="jiaoyu"))


# --- create -----------------------------------------------------------------------------------


def test_a_worker_raises_a_ticket_with_a_token_and_it_is_routed_by_its_subcategory(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    body = {"description": "独居老人想申请助餐", "subcategory": "LIF-MEAL", "household_id": s.household_a.pk}

    response = post(client, TICKETS, bearer("worker_a"), body)

    assert response.status_code == 201, response.content
    ticket = response.json()
    assert (ticket["channel"], ticket["status"], ticket["priority"]) == ("api", "routed", "P2")
    assert ticket["department"] == {"code": "minzheng", "name": Department.objects.get(code="minzheng").name}
    assert ticket["subcategory"]["code"] == "LIF-MEAL"
    assert ticket["address"] == str(s.household_a) and ticket["household_id"] == s.household_a.pk
    assert ticket["grid"] == {"id": s.grid_a.pk, "name": "和平一网格"}
    assert Ticket.objects.get(pk=ticket["id"]).created_by == s.users["worker_a"]


def test_a_ticket_posted_by_a_staff_page_session_is_a_staff_ticket_with_the_priority_given(
    client: Client, small_street: SmallStreet
) -> None:
    client.force_login(small_street.users["community_staff"])

    response = post(
        client, TICKETS, {}, {"description": "电话反映：老人摔倒", "subcategory": "LIF-MEAL", "priority": "P1"}
    )

    assert response.status_code == 201, response.content
    assert (response.json()["channel"], response.json()["priority"]) == ("staff", "P1")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"description": "助餐", "subcategory": "NOPE"}, "unknown_subcategory"),
        ({"description": "助餐", "subcategory": "LIF-MEAL", "priority": "P9"}, "invalid_input"),
        ({"description": "   ", "subcategory": "LIF-MEAL"}, "description_required"),
        ({"subcategory": "LIF-MEAL"}, "invalid_input"),
    ],
)
def test_bad_input_answers_422_and_creates_nothing(
    client: Client, small_street: SmallStreet, bearer: Headers, body: dict[str, Any], code: str
) -> None:
    response = post(client, TICKETS, bearer("worker_a"), body)

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert not Ticket.objects.exists()


def test_a_retired_subcategory_takes_no_new_tickets(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    Subcategory.objects.filter(code="LIF-MEAL").update(retired=True)

    response = post(client, TICKETS, bearer("worker_a"), {"description": "助餐", "subcategory": "LIF-MEAL"})

    assert (response.status_code, response.json()["code"]) == (422, "subcategory_retired")


def test_a_household_outside_the_callers_places_answers_404(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    body = {"description": "助餐", "subcategory": "LIF-MEAL", "household_id": small_street.household_b.pk}

    assert post(client, TICKETS, bearer("worker_a"), body).status_code == 404
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("persona", ["auditor", "dept_handler", "building_chief"])
def test_roles_that_do_not_take_demands_raise_no_tickets(
    client: Client, small_street: SmallStreet, bearer: Headers, persona: str
) -> None:
    response = post(client, TICKETS, bearer(persona), {"description": "助餐", "subcategory": "LIF-MEAL"})

    assert response.status_code == 403


# --- list -------------------------------------------------------------------------------------


def test_each_caller_lists_only_the_tickets_of_their_places_or_department(
    client: Client, small_street: SmallStreet, bearer: Headers, handler_jiaoyu: User
) -> None:
    s = small_street
    in_a, in_b = meal_ticket(s, household="a"), meal_ticket(s, household="b")
    school = ticket_create(
        channel=Channel.STAFF,
        description="孩子入学",
        subcategory=Subcategory.objects.get(code="POL-EDU"),
        household=s.household_a,
    )

    assert ids(client.get(TICKETS, headers=bearer("worker_a"))) == [in_a.pk, school.pk]
    assert ids(client.get(TICKETS, headers=bearer("worker_b"))) == [in_b.pk]
    assert ids(client.get(TICKETS, headers=bearer("dept_handler"))) == [in_a.pk, in_b.pk]
    assert ids(client.get(TICKETS, headers=bearer("auditor"))) == []
    client.force_login(handler_jiaoyu)
    assert ids(client.get(TICKETS)) == [school.pk]


def test_the_list_is_ordered_overdue_first_then_by_the_next_deadline(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    meals = Subcategory.objects.get(code="LIF-MEAL")
    with time_machine.travel(MONDAY_10, tick=False):
        late = meal_ticket(s)  # accept by 12:00
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=1), tick=False):
        p3 = ticket_create(channel=Channel.STAFF, description="助餐", subcategory=meals, priority="P3", grid=s.grid_a)
        p1 = ticket_create(channel=Channel.STAFF, description="助餐", subcategory=meals, priority="P1", grid=s.grid_a)
        done, _ = ticket_resolve(
            ticket=ticket_accept(ticket=meal_ticket(s), user=s.users["dept_handler"]),
            user=s.users["dept_handler"],
            note="已办",
        )
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=2, minutes=1), tick=False):
        listed = client.get(TICKETS, headers=bearer("dept_handler"))
        overdue = client.get(TICKETS, {"overdue": "true"}, headers=bearer("dept_handler"))
        on_time = client.get(TICKETS, {"overdue": "false"}, headers=bearer("dept_handler"))

    # p1's 30 minutes ran out at 11:30, late's 2 hours at 12:00; p3 must be accepted by 13:00.
    assert ids(listed) == [p1.pk, late.pk, p3.pk, done.pk]
    assert [item["overdue"] for item in listed.json()["items"]] == [True, True, False, False]
    assert ids(overdue) == [p1.pk, late.pk] and overdue.json()["count"] == 2
    assert ids(on_time) == [p3.pk, done.pk]


def test_filters_by_status_department_and_subcategory_and_pages(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    first, second = meal_ticket(s), meal_ticket(s)
    ticket_accept(ticket=second, user=s.users["dept_handler"])
    school = ticket_create(
        channel=Channel.STAFF, description="入学", subcategory=Subcategory.objects.get(code="POL-EDU"), grid=s.grid_a
    )
    admin = bearer("street_admin")

    assert ids(client.get(TICKETS, {"status": "accepted"}, headers=admin)) == [second.pk]
    assert ids(client.get(TICKETS, {"department": "jiaoyu"}, headers=admin)) == [school.pk]
    assert ids(client.get(TICKETS, {"subcategory": "LIF-MEAL", "status": "routed"}, headers=admin)) == [first.pk]
    page = client.get(TICKETS, {"limit": 1, "offset": 1}, headers=admin).json()
    assert (len(page["items"]), page["count"]) == (1, 3)
    for params in ({"department": "nope"}, {"subcategory": "NOPE"}, {"status": "lost"}, {"limit": 0}):
        assert client.get(TICKETS, params, headers=admin).status_code == 422, params


def test_the_list_costs_the_same_queries_for_two_tickets_as_for_twelve(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    headers = bearer("street_admin")
    for _ in range(2):
        ticket_accept(ticket=meal_ticket(s), user=s.users["dept_handler"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TICKETS, headers=headers).status_code == 200
        return len(captured)

    queries()  # a token records its use at most every 5 minutes: warm it up first
    few = queries()
    for n in range(10):
        ticket_accept(ticket=meal_ticket(s, household="ab"[n % 2]), user=s.users["dept_handler"])
    assert queries() == few


# --- detail -----------------------------------------------------------------------------------


def test_the_detail_shows_the_timeline(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    ticket = ticket_accept(ticket=meal_ticket(s), user=s.users["dept_handler"])

    response = client.get(url(ticket), headers=bearer("worker_a"))

    assert response.status_code == 200
    events = response.json()["events"]
    assert [(e["action"], e["old_status"], e["new_status"]) for e in events] == [
        ("create", "new", "routed"),
        ("accept", "routed", "accepted"),
    ]
    assert events[1]["actor"] == "dept_minzheng"


def test_security_5_a_department_handler_sees_the_address_and_a_masked_contact_never_the_persons_file(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    """SECURITY.md line 5: the department's JSON lacks registry fields."""
    s = small_street
    ticket = meal_ticket(s)
    person = s.elder_a

    body = client.get(url(ticket), headers=bearer("dept_handler")).content.decode()
    listed = client.get(TICKETS, headers=bearer("dept_handler")).content.decode()

    for text in (body, listed):
        assert str(s.household_a) in text and "138****1111" in text
        for secret in (person.name, person.id_number, person.id_masked, person.phone, person.care_notes, "id_number"):
            assert secret not in text
    detail = client.get(url(ticket), headers=bearer("dept_handler")).json()
    assert (detail["household_id"], detail["person_id"]) == (None, None)
    # The place side may follow the references to the registry (scoped and audited there).
    worker = client.get(url(ticket), headers=bearer("worker_a")).json()
    assert (worker["household_id"], worker["person_id"]) == (s.household_a.pk, person.pk)


def test_another_grid_or_department_gets_404_as_for_a_ticket_that_does_not_exist(
    client: Client, small_street: SmallStreet, bearer: Headers, handler_jiaoyu: User
) -> None:
    s = small_street
    in_b = meal_ticket(s, household="b")
    client.force_login(handler_jiaoyu)

    assert client.get(url(in_b), headers=bearer("worker_a")).status_code == 404
    assert client.get(url(in_b)).status_code == 404
    assert client.get(f"{TICKETS}/987654321", headers=bearer("worker_b")).status_code == 404
    # Roles that may take the action at all, on a ticket that is not theirs: 404, not 403.
    assert post(client, url(in_b, "confirm"), bearer("worker_a")).status_code == 404
    for action in ("accept", "start"):
        assert post(client, url(in_b, action), {}).status_code == 404
    assert client.get(url(in_b), headers=bearer("worker_b")).status_code == 200


# --- transitions ------------------------------------------------------------------------------


def test_the_whole_loop_through_the_api(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    handler, worker = bearer("dept_handler"), bearer("worker_a")
    ticket = meal_ticket(s)

    accepted = post(client, url(ticket, "accept"), handler)
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["handler"]) == ("accepted", "dept_minzheng")
    assert post(client, url(ticket, "start"), handler).json()["status"] == "in_progress"
    resolved = post(client, url(ticket, "resolve"), handler, {"note": "已安排社区食堂每日送餐"})
    assert resolved.status_code == 200
    link = resolved.json()["rating_link"]
    assert link.startswith("/r/") and link.endswith("/") and len(link) > 20
    confirmed = post(client, url(ticket, "confirm"), worker)
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "resolved")
    assert confirmed.json()["worker_confirmed_at"] is not None
    # The link is answered once, to the resolver: no other answer carries it.
    token = link.removeprefix("/r/").removesuffix("/")
    for headers in (handler, worker):
        assert token not in client.get(url(ticket), headers=headers).content.decode()
        assert token not in client.get(TICKETS, headers=headers).content.decode()


def test_an_accepted_ticket_cannot_be_accepted_again(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    ticket = meal_ticket(small_street)
    assert post(client, url(ticket, "accept"), bearer("dept_handler")).status_code == 200

    again = post(client, url(ticket, "accept"), bearer("street_admin"))

    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"


def test_the_wrong_role_gets_403(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    ticket = meal_ticket(s)

    assert post(client, url(ticket, "accept"), bearer("worker_a")).status_code == 403
    ticket_accept(ticket=ticket, user=s.users["dept_handler"])
    resolve = post(client, url(ticket, "resolve"), bearer("worker_a"), {"note": "好了"})
    assert (resolve.status_code, resolve.json()["code"]) == (403, "forbidden")
    other = make_user("dept_jiaoyu_2", Role.DEPARTMENT_HANDLER, department=Department.objects.get(code="jiaoyu"))
    client.force_login(other)
    refused = post(client, url(ticket, "start"), {})
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found"), "another department's is out of scope"
    client.logout()
    post(client, url(ticket, "resolve"), bearer("dept_handler"), {"note": "好了"})
    assert post(client, url(ticket, "confirm"), bearer("dept_handler")).status_code == 403


def test_transfer_hands_the_ticket_to_another_department(
    client: Client, small_street: SmallStreet, bearer: Headers, handler_jiaoyu: User
) -> None:
    ticket = meal_ticket(small_street)
    handler = bearer("dept_handler")

    same = post(client, url(ticket, "transfer"), handler, {"department": "minzheng", "reason": "本部门"})
    unknown = post(client, url(ticket, "transfer"), handler, {"department": "nope", "reason": "不对"})
    no_reason = post(client, url(ticket, "transfer"), handler, {"department": "jiaoyu", "reason": " "})
    moved = post(client, url(ticket, "transfer"), handler, {"department": "jiaoyu", "reason": "属于教育口"})

    assert [r.json()["code"] for r in (same, unknown, no_reason)] == [
        "transfer_same_department",
        "unknown_department",
        "reason_required",
    ]
    assert same.status_code == 409  # a valid code; the ticket's current department refuses it
    assert {unknown.status_code, no_reason.status_code} == {422}
    assert moved.status_code == 200
    assert (moved.json()["status"], moved.json()["department"]["code"]) == ("transferred", "jiaoyu")
    assert client.get(url(ticket), headers=handler).status_code == 404
    client.force_login(handler_jiaoyu)
    assert post(client, url(ticket, "accept"), {}).json()["status"] == "accepted"


def test_a_returned_ticket_is_resubmitted_by_the_place_side_not_by_the_department(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    ticket = meal_ticket(small_street)

    returned = post(client, url(ticket, "return"), bearer("dept_handler"), {"reason": "请补充老人的就餐时间"})
    assert returned.json()["status"] == "returned"
    refused = post(client, url(ticket, "resubmit"), bearer("dept_handler"), {"addition": "中午"})
    resubmitted = post(client, url(ticket, "resubmit"), bearer("worker_a"), {"addition": "每天中午"})

    assert refused.status_code == 403
    assert resubmitted.status_code == 200
    assert resubmitted.json()["status"] == "routed"
    assert resubmitted.json()["description"].endswith("【补充】每天中午")


def test_priority_changes_recompute_the_deadlines(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = meal_ticket(small_street)
        changed = post(
            client, url(ticket, "priority"), bearer("dept_handler"), {"priority": "P1", "reason": "老人独居"}
        )
        bad = post(client, url(ticket, "priority"), bearer("dept_handler"), {"priority": "P7", "reason": "老人独居"})
        worker = post(client, url(ticket, "priority"), bearer("worker_a"), {"priority": "P3", "reason": "不急"})

    assert changed.status_code == 200
    assert changed.json()["priority"] == Priority.P1
    assert dt.datetime.fromisoformat(changed.json()["accept_by"]) == MONDAY_10 + dt.timedelta(minutes=30)
    assert bad.status_code == 422
    assert worker.status_code == 403


def test_a_state_that_does_not_allow_the_action_answers_409(
    client: Client, small_street: SmallStreet, bearer: Headers
) -> None:
    s = small_street
    ticket = ticket_return(ticket=meal_ticket(s), user=s.users["dept_handler"], reason="请补充信息")

    for action, body in (("start", None), ("resolve", {"note": "好了"}), ("accept", None)):
        response = post(client, url(ticket, action), bearer("dept_handler"), body)
        assert (response.status_code, response.json()["code"]) == (409, "transition_not_allowed"), action
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RETURNED


def test_a_ticket_without_a_person_has_no_contact(client: Client, small_street: SmallStreet, bearer: Headers) -> None:
    s = small_street
    make_person(s.household_a, "王建华", phone="13700009999")
    ticket = meal_ticket(s, person=False)

    detail = client.get(url(ticket), headers=bearer("dept_handler")).json()

    assert detail["contact_phone_masked"] is None and detail["address"] == str(s.household_a)

"""GET /api/v1/phone/package: the worker's work list with a masked card per household, only of
the caller's own places, for the phone app to keep offline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client

from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.visit_helpers import record_visit

URL = "/api/v1/phone/package"


def test_a_worker_gets_the_households_of_their_grid_only(
    client: Client, bearer: Callable[[str], dict[str, str]], small_street: SmallStreet
) -> None:
    response = client.get(URL, headers=bearer("worker_a"))
    assert response.status_code == 200
    package = response.json()
    ids = [household["household_id"] for household in package["households"]]
    assert ids == [small_street.household_a.pk]
    assert package["count"] == 1 and package["user"] == "worker1"
    assert package["visit_type"] == "routine"
    health = next(question for question in package["questions"] if question["code"] == "health")
    assert health == {
        "code": "health",
        "label": "身体状况",
        "type": "choice",
        "required": True,
        "choices": ["良好", "一般", "较差"],
    }
    card = package["households"][0]
    assert card["address"] == str(small_street.household_a)
    assert card["lat"] == small_street.building_a.lat
    names = [member["name"] for member in card["members"]]
    assert "王秀英" in names
    elder = next(member for member in card["members"] if member["name"] == "王秀英")
    assert "*" in elder["id_masked"] and "*" in elder["phone_masked"]
    assert "13800001111" not in response.content.decode()
    assert "李建国" not in response.content.decode()


def test_a_package_that_shows_a_child_says_so_in_the_audit_log(
    client: Client, bearer: Callable[[str], dict[str, str]], small_street: SmallStreet
) -> None:
    """The grid's worker may see the child under 14 (their role's permission): the package is
    audited like a household card, who was shown, never what."""
    card = client.get(URL, headers=bearer("worker_a")).json()["households"][0]
    assert "王小明" in [member["name"] for member in card["members"]]
    entry = AuditEntry.objects.filter(action="registry.sensitive_view").latest("pk")
    assert entry.actor == small_street.users["worker_a"]
    assert entry.detail["children"] == [small_street.child_a.pk]
    assert "王小明" not in str(entry.detail)


def test_callers_without_the_right_are_refused(
    client: Client, bearer: Callable[[str], dict[str, str]], small_street: SmallStreet
) -> None:
    assert client.get(URL).status_code == 401
    refused = client.get(URL, headers=bearer("dept_handler"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert client.get(URL, headers=bearer("unassigned")).json()["households"] == []


def test_a_note_is_split_into_its_demands_for_the_worker_to_confirm(
    client: Client, bearer: Callable[[str], dict[str, str]], small_street: SmallStreet
) -> None:
    note = "老人说电梯坏了一个礼拜，另外想问下高龄补贴咋个申请，还有楼下垃圾没人收"
    response = client.post(
        "/api/v1/phone/split", {"text": note}, content_type="application/json", headers=bearer("worker_a")
    )
    assert response.status_code == 200
    demands = response.json()["demands"]
    assert [demand["subcategory"] for demand in demands] == ["LIF-FAC", "POL-AID", "LIF-ENV"]
    for demand in demands:
        assert note[demand["start"] : demand["end"]] == demand["text"]
    assert demands[1]["department"] and demands[1]["subcategory_name"]


def test_splitting_needs_a_note_and_the_right_to_record_visits(
    client: Client, bearer: Callable[[str], dict[str, str]], small_street: SmallStreet
) -> None:
    url = "/api/v1/phone/split"
    empty = client.post(url, {"text": ""}, content_type="application/json", headers=bearer("worker_a"))
    assert empty.status_code == 422
    refused = client.post(url, {"text": "电梯坏了"}, content_type="application/json", headers=bearer("dept_handler"))
    assert refused.status_code == 403


def test_the_package_holds_the_week_ahead_after_those_due_now(
    client: Client, bearer: Callable[[str], dict[str, str]], small_street: SmallStreet
) -> None:
    """Household A is visited enough for November on the 26th: not due now, due again on
    1 December, five days later, so it comes with the package for a week without signal."""
    late_november = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(late_november, tick=False):
        headers = bearer("worker_a")
        first = client.get(URL, headers=headers).json()["households"]
        assert [(h["household_id"], h["later_this_week"]) for h in first] == [(small_street.household_a.pk, False)]
        for day in (3, 2, 1):
            record_visit(small_street, small_street.household_a, at=late_november - dt.timedelta(days=day))
        later = client.get(URL, headers=headers).json()["households"]
    assert [(h["household_id"], h["later_this_week"]) for h in later] == [(small_street.household_a.pk, True)]

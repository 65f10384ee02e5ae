"""The household card's visits: the latest visits at a glance and the way to record or plan one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Outcome
from qiaomen.web.tests.visit_helpers import NOW, pause_visits, record_visit, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")


def _card(client: Client, street: SmallStreet) -> str:
    response = client.get(reverse("web:household_detail", args=[street.household_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_card_lists_the_latest_visits(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    record_visit(
        small_street, small_street.household_a, demands=("想申请老年助餐", "楼道灯坏了"), lat=31.203, lng=121.4
    )
    record_visit(small_street, small_street.household_a, outcome=Outcome.NOT_HOME, at=NOW - dt.timedelta(days=2))
    content = _card(client_as("worker_a"), small_street)
    visits = content.split("走访记录", 1)[1].split("</table>", 1)[0]
    assert visits.index("2026-11-16 09:00") < visits.index("2026-11-14 10:00")  # newest first, in Shanghai time
    assert "worker1" in visits and "见到住户" in visits and "无人在家" in visits
    assert '<td data-label="诉求" class="num">2</td>' in visits
    assert "距楼栋 334 米" in visits and "无定位" in visits
    assert reverse("web:visit_new", args=[small_street.household_a.pk]) in content


def test_a_phone_contact_is_marked(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    pause_visits(small_street, small_street.grid_a)
    record_visit(small_street, small_street.household_a)
    assert "电话或线上" in _card(client_as("worker_a"), small_street)


def test_community_staff_may_also_plan_a_visit_from_the_card(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = _card(client_as("community_staff"), small_street)
    assert f"{reverse('web:visit_calendar')}?household={small_street.household_a.pk}" in content
    assert "尚无走访记录。" in content


def test_a_building_chief_sees_no_visits(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    record_visit(small_street, small_street.household_a)
    content = _card(client_as("building_chief"), small_street)
    assert "走访记录" not in content and "worker1" not in content


def test_the_number_of_queries_does_not_grow_with_the_visits(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    record_visit(small_street, small_street.household_a, demands=("想申请老年助餐",))
    _card(client, small_street)  # the first request of a session writes the session once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _card(client, small_street)
        return len(captured)

    few = queries()
    for days in range(1, 6):
        record_visit(small_street, small_street.household_a, at=NOW - dt.timedelta(days=days), demands=("楼道灯坏了",))
    assert queries() == few

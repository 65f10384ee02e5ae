"""Pausing visits (R-VIS-7): the street admin's page; work lists switch to phone contact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.visits.models import VisitPause
from qiaomen.web.tests.visit_helpers import NOW, pause_visits, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
PAUSES = reverse("web:visit_pauses")
TODAY = NOW.date()


def _create(client: Client, **data: Any) -> Any:
    return client.post(
        PAUSES, {"starts_on": TODAY.isoformat(), "ends_on": (TODAY + dt.timedelta(days=2)).isoformat(), **data}
    )


def test_the_street_admin_pauses_a_community_and_its_work_list_turns_to_phone(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("street_admin")
    content = client.get(PAUSES).content.decode()
    assert "和平社区" in content and "光明一网格" in content and "目前没有暂停走访的区域。" in content
    response = _create(client, communities=[small_street.community_1.pk], reason="台风“海燕”")
    assert response.status_code == 302
    pause = VisitPause.objects.get()
    assert list(pause.communities.all()) == [small_street.community_1] and pause.created_by.username == "admin"
    page = client.get(PAUSES).content.decode()
    assert "已暂停该区域的入户走访，走访清单改为电话联系。" in page and "台风“海燕”" in page
    worklist = client_as("worker_a").get(reverse("web:worklist")).content.decode()
    assert "本区域暂停入户走访（台风“海燕”）" in worklist


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "台风"}, "请选择要暂停走访的社区或网格"),
        ({"grids": "{grid_a}", "reason": " "}, "这个字段是必填项"),
        ({"grids": "{grid_a}", "reason": "台风", "ends_on": "2026-11-01"}, "结束日期不能早于开始日期"),
    ],
)
def test_security_27_a_pause_that_cannot_be_made_is_explained(
    client_as: Callable[[str], Client], small_street: SmallStreet, data: dict[str, str], message: str
) -> None:
    filled = {key: value.format(grid_a=small_street.grid_a.pk) for key, value in data.items()}
    response = _create(client_as("street_admin"), **filled)
    assert response.status_code == 422 and message in response.content.decode()
    assert not VisitPause.objects.exists()


def test_lifting_a_pause_moves_it_to_the_past(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    pause = pause_visits(small_street, small_street.grid_a)
    client = client_as("street_admin")
    response = client.post(reverse("web:visit_pause_lift", args=[pause.pk]))
    assert response.status_code == 302
    pause.refresh_from_db()
    assert pause.lifted_at == NOW
    page = client.get(PAUSES).content.decode()
    assert "已恢复入户走访。" in page and "已结束的暂停" in page and "目前没有暂停走访的区域。" in page
    assert "本区域暂停入户走访" not in client_as("worker_a").get(reverse("web:worklist")).content.decode()


def test_a_coming_pause_is_listed_as_not_started(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    pause_visits(
        small_street, small_street.grid_a, starts_on=TODAY + dt.timedelta(days=3), ends_on=TODAY + dt.timedelta(days=4)
    )
    assert "尚未开始" in client_as("street_admin").get(PAUSES).content.decode()


def test_lifting_is_a_post(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    pause = pause_visits(small_street, small_street.grid_a)
    assert client_as("street_admin").get(reverse("web:visit_pause_lift", args=[pause.pk])).status_code == 405


@pytest.mark.parametrize(
    "persona", ["community_staff", "worker_a", "supervisor", "dept_handler", "building_chief", "auditor"]
)
def test_only_the_street_admin_may_pause_or_lift(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    pause = pause_visits(small_street, small_street.grid_a)
    client = client_as(persona)
    assert client.get(PAUSES).status_code == 403
    assert _create(client, grids=[small_street.grid_a.pk], reason="台风").status_code == 403
    assert client.post(reverse("web:visit_pause_lift", args=[pause.pk])).status_code == 403
    pause.refresh_from_db()
    assert pause.lifted_at is None and VisitPause.objects.count() == 1

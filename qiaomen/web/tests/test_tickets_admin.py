"""The street admin's taxonomy editing and the working-day page with its warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from qiaomen.accounts.models import Department
from qiaomen.tickets.models import Subcategory, WorkdayOverride

pytestmark = pytest.mark.django_db


def test_the_banner_warns_admins_of_a_year_the_calendar_does_not_know(client_as: Callable[[str], Client]) -> None:
    # The holidays package knows 1950–2100: in 2100 the admins are warned about 2101, by year.
    with time_machine.travel(dt.datetime(2100, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        admin = client_as("street_admin")
        page = admin.get(reverse("web:workday_overrides")).content.decode()
        assert "2101" in page and 'role="alert"' in page
        # Only admins are told; a grid worker's pages carry no banner.
        assert (
            reverse("web:workday_overrides")
            not in client_as("worker_a").get(reverse("web:ticket_inbox")).content.decode()
        )


def test_no_banner_for_a_known_year(client_as: Callable[[str], Client]) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        page = client_as("street_admin").get(reverse("web:workday_overrides")).content.decode()
    assert 'class="notice notice-error"' not in page


def test_the_admin_adds_an_override(client_as: Callable[[str], Client]) -> None:
    admin = client_as("street_admin")
    response = admin.post(
        reverse("web:workday_overrides"), {"date": "2031-01-02", "is_working_day": "", "note": "元旦调休"}
    )
    assert response.status_code == 302
    assert WorkdayOverride.objects.get(date=dt.date(2031, 1, 2)).is_working_day is False


def test_taxonomy_edit_changes_everything_but_the_code(client_as: Callable[[str], Client]) -> None:
    meals = Subcategory.objects.get(code="LIF-MEAL")
    health = Department.objects.get(code="weijian")
    url = reverse("web:subcategory_edit", args=[meals.pk])
    data = {
        "code": "HACK",
        "name": "助餐服务",
        "department": str(health.pk),
        "default_priority": "P3",
        "keywords": "吃饭 送餐",
        "retired": "on",
    }
    assert client_as("street_admin").post(url, data).status_code == 302
    meals.refresh_from_db()
    assert (meals.code, meals.name, meals.department, meals.default_priority, meals.retired) == (
        "LIF-MEAL",
        "助餐服务",
        health,
        "P3",
        True,
    )


def test_only_the_street_admin_edits_the_taxonomy(client_as: Callable[[str], Client]) -> None:
    meals = Subcategory.objects.get(code="LIF-MEAL")
    assert client_as("community_staff").get(reverse("web:subcategory_edit", args=[meals.pk])).status_code == 403
    assert client_as("dept_handler").get(reverse("web:ticket_taxonomy")).status_code == 403

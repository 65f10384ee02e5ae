"""The wall screen (大屏): the targets, the heat map and the alerts for staff, and the same
through a kiosk link, which shows aggregates only and stops at once when revoked or expired."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from qiaomen.accounts.models import ScreenToken
from qiaomen.accounts.screens import screen_token_create, screen_token_revoke
from qiaomen.analytics.models import ForecastRun
from qiaomen.analytics.targets import TARGETS
from qiaomen.analytics.tests.heat_street import DESCRIPTION, HeatStreet, make_heat_street
from qiaomen.devices.plans import plan_activate
from qiaomen.devices.tests.figures_street import alarm_at, make_device_street
from qiaomen.devices.tests.test_plans import typhoon_plan
from qiaomen.testing import SmallStreet
from qiaomen.web.tests.test_command_map import INLINE

SCREEN = reverse("web:command_screen")
PART = reverse("web:command_screen_part")


@pytest.fixture
def heat_street(small_street: SmallStreet) -> HeatStreet:
    return make_heat_street(small_street)


def _kiosk(street: SmallStreet, days: int = 30) -> str:
    """A new kiosk link's key."""
    return screen_token_create(user=street.users["street_admin"], street=street.street, name="大屏", days=days)[1]


def _private(street: HeatStreet) -> list[str]:
    """What a wall must never show: people, their words, the addresses of their buildings."""
    s = street.street
    values = [s.elder_a.name, s.resident_b.name, DESCRIPTION, s.building_a.address, s.building_b.address]
    values += [street.building_a2.address, s.household_a.building.address]
    return [form for value in values for form in {value, json.dumps(value)[1:-1]}]


def test_the_staff_screen_shows_every_target_the_map_and_refreshes_each_minute(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    response = client_as("street_admin").get(SCREEN)
    assert response.status_code == 200
    content = response.content.decode()
    for target in TARGETS:
        assert str(target.label) in content
    assert f'hx-get="{PART}"' in content and 'hx-trigger="every 60s"' in content
    assert 'data-map="screen-heat"' in content and 'id="screen-heat"' in content
    assert "data-clock" in content and "指挥中心" in content
    assert INLINE.findall(content) == []


def test_the_part_lists_the_alerts_without_personal_data(
    client_as: Callable[[str], Client], heat_street: HeatStreet
) -> None:
    with time_machine.travel(heat_street.hazard.created_at + dt.timedelta(hours=2), tick=False):
        content = client_as("street_admin").get(PART).content.decode()
    assert f"#{heat_street.hazard.pk}" in content and "安全隐患" in content
    assert "<html" not in content  # a fragment for htmx
    leaks = [value for value in _private(heat_street) if value in content]
    assert leaks == []


def test_the_wall_shows_the_forecast_accuracy_only_as_measured(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("street_admin")
    content = client.get(PART).content.decode()
    assert 'data-accuracy="none"' in content and 'data-accuracy="model"' not in content
    made = timezone.now()
    ForecastRun.objects.create(
        made_at=made, horizon=made.date().replace(day=1), model_name="smoothing", baseline_name="naive",
        model_accuracy=0.687, baseline_accuracy=0.588, folds=6, series=30, history_months=12, seconds=0.2,
    )  # fmt: skip
    content = client.get(PART).content.decode()
    assert re.search(r'data-accuracy="model">68[.,]7\s%<', content)
    assert re.search(r'data-accuracy="baseline">58[.,]8\s%<', content)
    assert "6 个月" in content and 'data-accuracy="none"' not in content


def test_roles_without_figures_get_no_screen(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    for persona in ("building_chief", "auditor", "worker_a", "dept_handler"):
        client = client_as(persona)
        assert client.get(SCREEN).status_code == client.get(PART).status_code == 403, persona
        client.logout()


def test_a_kiosk_link_shows_the_street_without_an_account_and_without_addresses(heat_street: HeatStreet) -> None:
    key = _kiosk(heat_street.street)
    kiosk = Client()
    with time_machine.travel(heat_street.hazard.created_at + dt.timedelta(hours=2), tick=False):
        page = kiosk.get(reverse("web:command_screen_kiosk", args=[key]))
        part = kiosk.get(reverse("web:command_screen_kiosk_part", args=[key]))
    assert page.status_code == part.status_code == 200
    content = page.content.decode()
    assert "幸福街道" in content and f"#{heat_street.hazard.pk}" in content
    assert reverse("web:command_screen_kiosk_part", args=[key]) in content
    for answer in (page, part):
        body = answer.content.decode()
        assert [value for value in _private(heat_street) if value in body] == []
        assert answer["Referrer-Policy"] == "no-referrer" and "no-store" in answer["Cache-Control"]
    assert "sessionid" not in kiosk.cookies
    # The map still has every located building, by its coordinates and count only.
    found = re.search(r'id="screen-heat" type="application/json">(.*?)</script>', content, re.S)
    assert found is not None
    heat = json.loads(found.group(1))
    assert sorted(tickets for _, _, tickets, _ in heat["buildings"]) == [1, 2, 4]
    assert {name for _, _, _, name in heat["buildings"]} == {""}


def test_a_revoked_link_stops_at_the_next_request(heat_street: HeatStreet) -> None:
    s = heat_street.street
    key = _kiosk(s)
    kiosk = Client()
    assert kiosk.get(reverse("web:command_screen_kiosk", args=[key])).status_code == 200
    token = ScreenToken.objects.get()
    screen_token_revoke(user=s.users["street_admin"], pk=token.pk)
    assert kiosk.get(reverse("web:command_screen_kiosk", args=[key])).status_code == 404
    part = kiosk.get(reverse("web:command_screen_kiosk_part", args=[key]))
    # htmx reloads the page on HX-Refresh, which then shows the 404: the wall goes blank.
    assert part.status_code == 404 and part["HX-Refresh"] == "true"


def test_an_expired_link_opens_nothing(small_street: SmallStreet) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = _kiosk(small_street, days=1)
    with time_machine.travel(start + dt.timedelta(days=1, seconds=1), tick=False):
        assert Client().get(reverse("web:command_screen_kiosk", args=[key])).status_code == 404


def test_a_wrong_key_opens_nothing(small_street: SmallStreet) -> None:
    key = _kiosk(small_street)
    for wrong in (key[:-2], key + "x", "no-such-key"):
        assert Client().get(reverse("web:command_screen_kiosk", args=[wrong])).status_code == 404
        assert Client().get(reverse("web:command_screen_kiosk_part", args=[wrong])).status_code == 404


def test_guessing_keys_is_stopped_and_then_every_key_is_refused_alike(
    small_street: SmallStreet, settings: Settings
) -> None:
    settings.QR_MISSES_PER_IP = 3
    key = _kiosk(small_street)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [guesser.get(reverse("web:command_screen_kiosk", args=[f"guess-{n}"])).status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    # The real key gets the same 429 from that IP: no answer tells a guesser which key exists.
    assert guesser.get(reverse("web:command_screen_kiosk", args=[key])).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").get(reverse("web:command_screen_kiosk", args=[key])).status_code == 200


def test_the_wall_shows_the_alarms_waiting_and_the_plans_in_force_without_personal_data(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    s = small_street
    street = make_device_street(s)
    activation = plan_activate(user=s.users["street_admin"], plan=typhoon_plan(s), community=s.community_1)
    waiting = street.waiting
    key = _kiosk(s)
    with time_machine.travel(waiting.started_at + dt.timedelta(minutes=12, seconds=30), tick=False):
        part = client_as("street_admin").get(PART).content.decode()
        kiosk = Client().get(reverse("web:command_screen_kiosk_part", args=[key])).content.decode()
    for content in (part, kiosk):
        assert re.search(r"data-waiting>1<", content) and f"#{waiting.ticket_id}" in content
        assert "社区值班人员" in content
        assert "已等待 12 分钟" in content and "离线设备 1 台" in content
        assert "防台风预案 · 和平社区" in content and f"已排查 0 / {activation.checks.count()} 户" in content
        private = [s.elder_a.name, s.resident_b.name, s.building_a.address, s.building_b.address]
        assert [value for value in private if value in content] == []


def test_more_alarms_and_plans_cost_the_wall_no_more_queries(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    s = small_street
    street = make_device_street(s)
    plan = typhoon_plan(s)
    plan_activate(user=s.users["street_admin"], plan=plan, community=s.community_1)
    client = client_as("street_admin")
    client.get(PART)  # the session is saved once, after signing in

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PART).status_code == 200
        return len(captured)

    before = queries()
    for number in range(3):
        alarm_at(street.vendor, street.device_a, timezone.now() - dt.timedelta(hours=3 - number), 30 + number)
    plan_activate(user=s.users["street_admin"], plan=plan, community=s.community_2)
    assert queries() == before

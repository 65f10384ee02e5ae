"""The command centre's participation panel (loaded after the dashboard's first paint): every
source of participation.figures beside the targets, with its value, its goal and light where
there is one, and a link to its page; over the page's period and the user's places."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils.translation import gettext_lazy
from pytest_django.fixtures import Settings

from qiaomen.accounts.scopes import PlaceScope
from qiaomen.participation import figures
from qiaomen.participation.figure import ResourceFigure
from qiaomen.participation.tests.budget_helpers import entry, street_of_2026, year_fixed
from qiaomen.testing import sign_in

pytestmark = pytest.mark.django_db


def _card(html: str, code: str) -> str:
    return html.split(f'data-resource="{code}"', 1)[1].split("</article>", 1)[0]


def test_the_panel_shows_the_budget_and_any_other_source(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.UPLOAD_DIR = tmp_path
    s = street_of_2026()
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        year_fixed(s.street, 2026)
        entry(s, amount="10.00", status="approved")  # 10 of 40 yuan
    calls: list[dict[str, Any]] = []

    def fake_source(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
        calls.append({"scope": scope, "start": start, "end": end})
        return [
            ResourceFigure(
                code="fake_groups",
                label=gettext_lazy("Groups"),
                unit="count",
                value=Decimal(7),
                goal=Decimal(10),
                numerator=7,
                denominator=None,
                url_name="web:coverage",
            ),
            ResourceFigure(
                code="fake_rate",
                label=gettext_lazy("Rate"),
                unit="percent",
                value=Decimal("0.65"),
                goal=Decimal("0.60"),
                numerator=13,
                denominator=20,
            ),
        ]

    monkeypatch.setattr(figures, "FIGURE_SOURCES", [*figures.FIGURE_SOURCES, fake_source])
    client = sign_in(Client(), s.users["community_staff"])
    html = client.get("/command/resources/?period=2026Q1").content.decode()
    budget = _card(html, "budget_use")
    assert "25.0%" in budget and "10.00 / 40.00" in budget and 'href="/budget/"' in budget
    assert "light-" not in budget  # no goal, no light
    groups, rate = _card(html, "fake_groups"), _card(html, "fake_rate")
    assert "light-red" in groups and "≥ 10" in groups and 'href="/visits/coverage/"' in groups
    assert "light-green" in rate and "65.0%" in rate and "13 / 20" in rate
    (call,) = calls
    assert call["start"] == dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(dt.UTC)
    assert call["scope"].community_ids == frozenset({s.community_1.pk})
    # A month of 2025: that year has no budget, nothing to count.
    assert "—" in _card(client.get("/command/resources/?period=2025-11").content.decode(), "budget_use")


def test_the_dashboard_loads_the_panel_after_its_first_paint(monkeypatch: pytest.MonkeyPatch) -> None:
    s = street_of_2026()

    def unavailable(*, scope: PlaceScope, start: dt.datetime, end: dt.datetime) -> list[ResourceFigure]:
        raise AssertionError("the dashboard itself counts no participation figure")

    monkeypatch.setattr(figures, "FIGURE_SOURCES", [unavailable])
    html = sign_in(Client(), s.users["community_staff"]).get("/command/?period=2026Q1").content.decode()

    assert 'hx-get="/command/resources/?period=2026Q1" hx-trigger="load"' in html
    assert 'href="/command/resources/?period=2026Q1"' in html, "without JavaScript, a link to the panel"

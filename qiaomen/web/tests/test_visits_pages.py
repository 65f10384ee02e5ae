"""What the visit pages share: a place in the navigation by role, Chinese by default with every
message translated, and nothing the CSP would block."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.visits.models import Outcome
from qiaomen.web.tests.test_layout import INLINE
from qiaomen.web.tests.visit_helpers import record_visit, visits_clock  # noqa: F401

pytestmark = pytest.mark.usefixtures("visits_clock")
NAV = {"走访清单": "web:worklist", "住户核实": "web:verification_queue", "走访日历": "web:visit_calendar"}
NAV.update({"走访覆盖率": "web:coverage", "暂停走访": "web:visit_pauses"})


def _nav(client: Client) -> str:
    content = client.get(reverse("web:home"), follow=True).content.decode()
    return content.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("worker_a", {"走访清单", "走访覆盖率"}),
        ("community_staff", {"走访清单", "住户核实", "走访日历", "走访覆盖率"}),
        ("street_admin", {"走访清单", "住户核实", "走访日历", "走访覆盖率", "暂停走访"}),
        ("supervisor", {"走访清单", "走访覆盖率"}),
        ("dept_handler", {"走访日历"}),
        ("building_chief", set()),
        ("auditor", set()),
    ],
)
def test_the_navigation_offers_the_visit_pages_the_role_may_open(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, shown: set[str]
) -> None:
    nav = _nav(client_as(persona))
    assert {label for label, name in NAV.items() if reverse(name) in nav} == shown


def test_a_department_lands_on_its_inbox_marked_as_the_current_page(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("dept_handler")
    home = _nav(client)
    assert home.count('aria-current="page"') == 1
    assert f'href="{reverse("web:ticket_inbox")}" aria-current="page"' in home
    calendar = client.get(reverse("web:visit_calendar")).content.decode()
    nav = calendar.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("web:visit_calendar")}" aria-current="page"' in nav


def _pages(street: SmallStreet) -> list[tuple[str, str]]:
    """(persona, URL) of every visit page with something on it."""
    return [
        ("worker_a", reverse("web:worklist")),
        ("street_admin", reverse("web:worklist")),
        ("worker_a", reverse("web:visit_new", args=[street.household_a.pk])),
        ("worker_a", reverse("web:household_detail", args=[street.household_a.pk])),
        ("community_staff", reverse("web:verification_queue")),
        ("community_staff", reverse("web:visit_calendar")),
        ("dept_handler", reverse("web:visit_calendar")),
        ("street_admin", reverse("web:visit_pauses")),
        ("community_staff", reverse("web:coverage")),
    ]


def test_the_pages_are_in_chinese_and_carry_no_inline_script_or_style(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    record_visit(small_street, small_street.household_a, outcome=Outcome.MOVED_OUT)
    for persona, url in _pages(small_street):
        response = client_as(persona).get(url)
        content = response.content.decode()
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in content, url
        assert INLINE.findall(content) == [], url
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_english_is_available(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    content = client_as("worker_a").get(reverse("web:worklist"), headers={"Accept-Language": "en"}).content.decode()
    assert "Work list" in content and "走访清单" not in content

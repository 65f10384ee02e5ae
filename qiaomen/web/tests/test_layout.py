"""What every page shares: navigation by role, the account menu, and nothing the CSP would block."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("worker_a", ["住户查询", "区域"], ["审计日志", "导入"]),
        ("community_staff", ["住户查询", "区域", "导入"], ["审计日志"]),
        ("auditor", ["审计日志"], ["住户查询", "区域", "导入"]),
        ("dept_handler", ["工单"], ["住户查询", "审计日志", "导入", "我的部门"]),
    ],
)
def test_the_navigation_offers_what_the_role_may_open(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str, shown: list[str], hidden: list[str]
) -> None:
    content = client_as(persona).get(reverse("web:home"), follow=True).content.decode()
    nav = content.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert all(label in nav for label in shown)
    assert not any(label in nav for label in hidden)


def test_the_account_menu_names_the_user_and_offers_language_and_sign_out(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    content = client_as("worker_a").get(reverse("web:place_tree")).content.decode()
    assert "worker1" in content and "网格员" in content
    assert f'action="{reverse("set_language")}"' in content
    assert f'action="{reverse("web:logout")}"' in content


def test_pages_carry_no_inline_script_style_or_handler(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    client = client_as("worker_a")
    for url in (
        reverse("web:login"),
        reverse("web:registry_search"),
        reverse("web:household_detail", args=[small_street.household_a.pk]),
        reverse("web:person_detail", args=[small_street.elder_a.pk]),
        reverse("web:place_tree"),
        reverse("web:grid_detail", args=[small_street.grid_a.pk]),
    ):
        response = client.get(url, follow=True)
        assert INLINE.findall(response.content.decode()) == [], url
        assert "unsafe-inline" not in response["Content-Security-Policy"]

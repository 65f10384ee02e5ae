"""The bar grouped by area (web_tags.NAV_GROUPS): every entry leads somewhere, each role sees
the groups and entries it may open, and one entry is marked as the current page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from qiaomen.testing import SmallStreet
from qiaomen.web.templatetags.web_tags import NAV_GROUPS


def _nav(client: Client, url: str) -> str:
    content = client.get(url, follow=True).content.decode()
    return content.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]


def test_every_entry_names_a_page() -> None:
    names = [entry.url_name for group in NAV_GROUPS for entry in group.entries]
    assert len(names) == len(set(names))
    for name in names:
        reverse(name)


@pytest.mark.parametrize(
    ("persona", "groups", "shown", "hidden"),
    [
        (
            "street_admin",
            ["走访", "应急", "住户登记", "工单", "指挥中心", "参与", "系统"],
            ["需求热力图", "大屏", "大屏链接", "志愿者", "经费预算", "服务菜单", "事件", "应急预案"],
            [],
        ),
        (
            "supervisor",
            ["走访", "住户登记", "工单", "指挥中心", "参与"],
            ["需求热力图", "大屏", "志愿者", "支出审批", "服务点"],
            ["大屏链接", "系统"],
        ),
        (
            "community_staff",
            ["走访", "应急", "住户登记", "工单", "指挥中心", "参与", "系统"],
            ["需求热力图", "账号管理", "志愿者", "经费预算", "服务菜单"],
            ["大屏链接", "待确认时长", "支出审批"],
        ),
        ("dept_handler", ["走访", "工单", "指挥中心"], ["工单指标"], ["需求热力图", "大屏", "住户登记"]),
        ("auditor", ["系统"], ["审计日志"], ["指挥中心", "工单"]),
    ],
)
def test_each_role_sees_its_groups_and_entries(
    client_as: Callable[[str], Client],
    small_street: SmallStreet,
    persona: str,
    groups: list[str],
    shown: list[str],
    hidden: list[str],
) -> None:
    nav = _nav(client_as(persona), reverse("web:home"))
    labels = [part.split("</span>", 1)[0] for part in nav.split('class="nav-group-label"')[1:]]
    assert [label.split(">", 1)[1] for label in labels] == groups
    assert all(f">{label}<" in nav for label in shown), nav
    assert not any(f">{label}<" in nav for label in hidden), nav


def test_the_longest_matching_entry_is_the_current_page(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    nav = _nav(client_as("street_admin"), reverse("web:screen_tokens"))
    assert nav.count('aria-current="page"') == 1
    assert f'href="{reverse("web:screen_tokens")}" aria-current="page"' in nav

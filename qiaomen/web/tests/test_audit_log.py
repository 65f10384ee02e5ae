"""The audit log page: auditors only, read-only, filtered, with the hash chain checked on request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from qiaomen.core.audit import audit_record
from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet, tamper_with_audit_row

LOG = reverse("web:audit_log")
CHAIN = reverse("web:audit_chain")


@pytest.mark.parametrize("persona", ["street_admin", "worker_a", "supervisor", "dept_handler", "unassigned"])
def test_only_auditors_may_read_the_log(
    client_as: Callable[[str], Client], small_street: SmallStreet, persona: str
) -> None:
    client = client_as(persona)
    for url in (LOG, CHAIN):
        response = client.get(url)
        assert response.status_code == 403
        assert "没有权限" in response.content.decode()


def test_the_log_lists_entries_filtered_by_action_user_and_day(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    # 2026-05-01 23:30 UTC is already 2 May in Shanghai: days are read in China time.
    with time_machine.travel(dt.datetime(2026, 5, 1, 23, 30, tzinfo=dt.UTC)):
        audit_record(
            action="person.view", actor=small_street.users["worker_a"], object_type="registry.person", object_id=7
        )
    with time_machine.travel(dt.datetime(2026, 5, 3, 2, 0, tzinfo=dt.UTC)):
        audit_record(
            action="person.unmask", actor=small_street.users["community_staff"], detail={"reason": "<b>核对</b>"}
        )
    client = client_as("auditor")
    everything = client.get(LOG).content.decode()
    assert "person.view" in everything and "person.unmask" in everything
    assert "2026-05-02 07:30:00" in everything  # shown in Asia/Shanghai
    assert "&lt;b&gt;核对&lt;/b&gt;" in everything  # details are escaped
    by_action = client.get(LOG, {"action": "person.unmask"}).content.decode()
    assert "community1" in by_action and "worker1" not in by_action
    by_user = client.get(LOG, {"user": "worker1"}).content.decode()
    assert "registry.person #7" in by_user and "community1" not in by_user
    by_day = client.get(LOG, {"date_from": "2026-05-02", "date_to": "2026-05-02"}).content.decode()
    assert "worker1" in by_day and "community1" not in by_day


def test_the_chain_check_reports_intact_then_names_the_edited_row(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    entries = [audit_record(action="test.event", actor_name="tester", detail={"n": n}) for n in range(3)]
    client = client_as("auditor")
    intact = client.get(CHAIN, headers={"HX-Request": "true"}).content.decode()
    assert "哈希链完好" in intact and "<html" not in intact
    tamper_with_audit_row(entries[1].pk)
    broken = client.get(CHAIN).content.decode()
    assert f"第 {entries[1].pk} 行断开" in broken


def test_the_log_page_is_read_only(client_as: Callable[[str], Client], small_street: SmallStreet) -> None:
    audit_record(action="test.event", actor_name="tester")
    client = client_as("auditor")
    content = client.get(LOG).content.decode()
    assert 'method="post"' not in content.split("<main", 1)[1]
    assert AuditEntry.objects.count() == 1

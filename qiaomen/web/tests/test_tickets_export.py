"""SECURITY.md line 19: the ticket list's Excel export is limited and audited and holds only what
the ticket page shows; dashboards answer figures, never people. (Line 25 for the same file: a
formula typed by a resident is written as text.)"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory
from qiaomen.tickets.services import ticket_create
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","点我")'


def _rows(response: object) -> list[tuple[object, ...]]:
    content = b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content  # type: ignore[attr-defined]
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _people_fields(s: SmallStreet) -> list[str]:
    people = [s.elder_a, s.child_a, s.resident_b]
    return [value for p in people for value in (p.name, p.id_number, p.id_masked, p.phone) if value]


def test_security_19_the_export_holds_the_users_tickets_masked_and_is_audited(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    s = small_street
    mine = ticket_create(
        channel=Channel.VISIT,
        description=FORMULA,
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=s.household_a,
        person=s.elder_a,
        created_by=s.users["worker_a"],
    )
    other = make_ticket(s, grid_b=True)

    response = client_as("worker_a").get(reverse("web:ticket_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    header, *rows = _rows(response)
    assert [row[0] for row in rows] == [mine.pk], f"grid B's #{other.pk} is not grid A's worker's"
    row = dict(zip(header, rows[0], strict=True))
    assert row["地址"] == str(s.household_a) and row["联系电话"] == s.elder_a.phone_masked
    assert row["诉求"] == "'" + FORMULA, "a formula is written as text (line 25)"
    flat = " ".join(str(value) for line in rows for value in line)
    assert not [value for value in _people_fields(s) if value in flat]
    entry = AuditEntry.objects.get(action="ticket.export")
    assert (entry.actor, entry.detail) == (s.users["worker_a"], {"rows": 1})


def test_security_19_an_export_over_the_limit_is_refused_and_not_audited(
    small_street: SmallStreet, client_as: Callable[[str], Client], settings: Settings
) -> None:
    settings.EXPORT_MAX_ROWS = 1
    make_ticket(small_street)
    make_ticket(small_street, code="LIF-FAC")

    response = client_as("street_admin").get(reverse("web:ticket_export"))

    assert response.status_code in (400, 422)
    assert "最多只能导出1件" in response.content.decode()
    assert not AuditEntry.objects.filter(action="ticket.export").exists()


def test_security_19_dashboards_answer_figures_never_people(
    small_street: SmallStreet, client_as: Callable[[str], Client], bearer: Callable[[str], dict[str, str]]
) -> None:
    s = small_street
    make_ticket(s)
    make_ticket(s, grid_b=True)
    answers = [
        client_as("street_admin").get(reverse("web:ticket_figures")),
        client_as("street_admin").get(reverse("web:coverage")),
        Client().get("/api/v1/coverage", headers=bearer("street_admin")),
    ]
    for answer in answers:
        assert answer.status_code == 200
        body = answer.content.decode()
        assert not [value for value in _people_fields(s) if value in body]
    coverage = answers[2].json()
    figures = {"households", "covered", "refused", "paused", "rate", "special_households"}
    assert figures <= set(coverage["total"]) and all(figures <= set(grid) for grid in coverage["grids"])

"""The quarterly disclosure (公示): kept once per quarter by the job or on demand, with the budget,
the split, the approved spending by category and what remains, and nothing of a person."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from qiaomen.core.errors import InvalidInput
from qiaomen.participation.budget.disclosure import budget_quarter_open, disclosure_html, disclosure_keep
from qiaomen.participation.models.budget import BudgetDisclosure, BudgetYear
from qiaomen.participation.tasks import budget_quarter_start
from qiaomen.participation.tests.budget_helpers import entry, street_of_2026, year_fixed
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
MARCH = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)
APRIL_FIRST = dt.datetime(2026, 4, 1, 1, 25, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _uploads(settings: Settings, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path


@pytest.fixture
def small_street(db: None) -> SmallStreet:
    return street_of_2026()


@pytest.fixture
def first_quarter(small_street: SmallStreet) -> Iterator[SmallStreet]:
    """Q1 2026 of small_street (40 yuan): 8 + 2 yuan approved, 1 yuan pending, one rejected, one
    of the next quarter; the descriptions name a resident and a phone, as careless ones do."""
    s = small_street
    with time_machine.travel(MARCH, tick=False):
        year_fixed(s.street, 2026)
        person = f"{s.resident_b.name}家门口 {s.resident_b.phone}"
        entry(s, amount="8.00", status="approved", description=f"慰问{person}")
        entry(s, amount="2.00", category="equipment", status="approved", description="灭火器")
        entry(s, amount="1.00", status="submitted", description="待批")
    with time_machine.travel(dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        entry(s, amount="3.00", spent_on="2026-04-15", status="approved", description="四月活动")
    yield s


def test_the_disclosure_sums_approved_spending_by_category(first_quarter: SmallStreet) -> None:
    s = first_quarter
    with time_machine.travel(dt.datetime(2026, 5, 2, tzinfo=dt.UTC), tick=False):
        disclosure, made = disclosure_keep(street=s.street, year=2026, quarter=1)
    assert made
    figures = disclosure.figures
    assert (figures["households"], figures["total"], figures["per_household"]) == (2, "40.00", "20.00")
    rows = {row["category"]: row for row in figures["categories"]}
    assert [row["category"] for row in figures["categories"]] == ["staff", "activities", "equipment"]
    assert [rows[c]["percent"] for c in ("staff", "activities", "equipment")] == [60, 30, 10]
    # The pending 1 yuan and April's 3 yuan are not in Q1.
    assert (rows["activities"]["quarter_spent"], rows["activities"]["remaining"]) == ("8.00", "4.00")
    assert (rows["equipment"]["quarter_spent"], rows["equipment"]["quarter_entries"]) == ("2.00", 1)
    assert (figures["quarter_spent"], figures["year_spent"], figures["remaining"]) == ("10.00", "10.00", "30.00")


def test_the_disclosure_shows_no_person_no_description_and_no_staff_name(first_quarter: SmallStreet) -> None:
    s = first_quarter
    with time_machine.travel(dt.datetime(2026, 5, 2, tzinfo=dt.UTC), tick=False):
        disclosure, _made = disclosure_keep(street=s.street, year=2026, quarter=1)
    pages = PdfReader(io.BytesIO(bytes(disclosure.pdf))).pages
    # Without the CJK fonts (a machine lacking fonts-noto-cjk) the fallback font's text comes
    # back as UTF-16 code units: the NULs dropped, the digits read the same either way.
    text = "".join(page.extract_text() for page in pages).replace("\x00", "")
    assert "40.00" in text and "30.00" in text
    # The PDF is drawn from this HTML alone (its text is only readable back where the CJK fonts are installed).
    html = disclosure_html(figures=disclosure.figures, generated_at=disclosure.generated_at)
    assert "幸福街道" in html
    published = f"{text} {html} {disclosure.figures}"
    people = [s.resident_b.name, s.resident_b.phone, s.resident_b.id_number, s.elder_a.name, s.elder_a.phone]
    staff = [s.users[name].username for name in ("street_admin", "supervisor")]
    words = ["慰问", "灭火器", "待批", "家门口"]
    assert not [value for value in [*people, *staff, *words] if value and value in published]


def test_a_quarter_is_disclosed_once_it_is_over_and_kept_as_published(first_quarter: SmallStreet) -> None:
    s = first_quarter
    last_evening = dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC)  # 23:00 on 31 March in Shanghai
    with time_machine.travel(last_evening, tick=False), pytest.raises(InvalidInput) as refused:
        disclosure_keep(street=s.street, year=2026, quarter=1)
    assert refused.value.code == "quarter_not_over"
    with time_machine.travel(dt.datetime(2026, 5, 2, tzinfo=dt.UTC), tick=False):
        first, _made = disclosure_keep(street=s.street, year=2026, quarter=1)
        entry(s, amount="1.00", spent_on="2026-03-05", status="approved", description="补录")
        again, made = disclosure_keep(street=s.street, year=2026, quarter=1)
    assert not made and again.pk == first.pk and again.figures["quarter_spent"] == "10.00"
    with pytest.raises(InvalidInput):
        disclosure_keep(street=s.street, year=2025, quarter=4)  # no budget that year


def test_the_quarter_job_keeps_last_quarters_disclosure_once(first_quarter: SmallStreet) -> None:
    with time_machine.travel(APRIL_FIRST, tick=False):
        budget_quarter_start.call_local()
        budget_quarter_start.call_local()
    assert list(BudgetDisclosure.objects.values_list("year", "quarter")) == [(2026, 1)]
    assert BudgetDisclosure.objects.get().generated_by is None


def test_on_1_january_the_job_fixes_the_new_years_budget(small_street: SmallStreet) -> None:
    with time_machine.travel(dt.datetime(2027, 1, 1, 1, 25, tzinfo=dt.UTC), tick=False):
        assert budget_quarter_open(now=dt.datetime.now(tz=dt.UTC)) == []  # 2026 had no budget: nothing to disclose
    budget = BudgetYear.objects.get(year=2027)
    assert (budget.households, budget.total, budget.fixed_by) == (2, Decimal("40.00"), None)


def test_the_command_keeps_a_disclosure_on_demand(first_quarter: SmallStreet) -> None:
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 5, 2, tzinfo=dt.UTC), tick=False):
        call_command("budget_disclosure", "--year", "2026", "--quarter", "1", stdout=out)
        call_command("budget_disclosure", "--year", "2026", "--quarter", "1", stdout=out)
        with pytest.raises(CommandError, match="quarter_not_over"):
            call_command("budget_disclosure", "--year", "2026", "--quarter", "2", stdout=out)
    assert "XF 2026Q1: kept now" in out.getvalue() and "already kept" in out.getvalue()
    assert BudgetDisclosure.objects.count() == 1

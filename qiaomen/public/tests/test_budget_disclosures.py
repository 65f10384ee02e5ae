"""The public disclosures (公示): readable without login, linked from the residents' QR page,
aggregates only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from qiaomen.participation.budget.disclosure import disclosure_keep
from qiaomen.participation.tests.budget_helpers import entry, street_of_2026, year_fixed
from qiaomen.tickets.doorcodes.codes import door_code_issue

pytestmark = pytest.mark.django_db


def test_a_kept_disclosure_is_public_and_names_nobody(client: Client, settings: Settings, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path
    s = street_of_2026()
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        year_fixed(s.street, 2026)
        entry(s, amount="8.00", status="approved", description=f"慰问{s.resident_b.name}")
    with time_machine.travel(dt.datetime(2026, 4, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        disclosure, _made = disclosure_keep(street=s.street, year=2026, quarter=1)
    listing = client.get("/disclosures/")
    assert listing.status_code == 200 and f"/disclosures/{disclosure.pk}/" in listing.content.decode()
    page = client.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert "幸福街道" in page and "40.00" in page and "8.00" in page and "4.00" in page
    for private in (s.resident_b.name, "慰问", s.users["street_admin"].username, s.users["supervisor"].username):
        assert private not in page
    pdf = client.get(f"/disclosures/{disclosure.pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment")
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/disclosures/987654/").status_code == 404


def test_the_qr_page_links_the_disclosures(client: Client) -> None:
    s = street_of_2026()
    _code, token = door_code_issue(household=s.household_b, user=s.users["worker_b"])
    assert 'href="/disclosures/"' in client.get(f"/q/{token}").content.decode()

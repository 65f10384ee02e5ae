"""The demo street comes with a QR door code for every household still living there, and
demo_logins prints one resident link that opens its page (`make run` shows working QR links)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from qiaomen.registry.models import DoorCode, Household, HouseholdStatus
from qiaomen.tickets.doorcodes.codes import door_code_lookup

PASSWORD = "Knock-knock-2026"


@pytest.mark.django_db
def test_the_demo_street_has_a_live_code_per_present_household_and_a_working_link() -> None:
    out = StringIO()
    call_command("seed_demo", "--households", "60", "--seed", "1", "--password", PASSWORD, "--months", "0", stdout=out)
    present = Household.objects.exclude(status=HouseholdStatus.MOVED_OUT)
    live = DoorCode.objects.filter(revoked_at__isnull=True, person__isnull=True)
    assert live.count() == present.count() > 0
    assert set(live.values_list("household_id", flat=True)) == set(present.values_list("pk", flat=True))
    assert "二维码门牌" in out.getvalue()
    printed = StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8001/", stdout=printed)
    match = re.search(r"http://127\.0\.0\.1:8001(/q/([A-Za-z0-9_-]{32}))$", printed.getvalue(), re.MULTILINE)
    assert match is not None, printed.getvalue()
    assert door_code_lookup(match.group(2)) is not None
    assert Client().get(match.group(1)).status_code == 200

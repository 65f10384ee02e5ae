"""The device registration form's choices come from the registry's and the accounts' selectors:
households the user sees, responders placed on the user's grids."""

from __future__ import annotations

import pytest

from qiaomen.testing import SmallStreet
from qiaomen.web.devices.forms import DeviceForm


@pytest.mark.django_db
def test_the_registration_form_offers_only_the_households_and_responders_of_the_users_places(
    small_street: SmallStreet,
) -> None:
    s = small_street
    form = DeviceForm(user=s.users["community_staff"])  # community 1: grid A only
    households = list(form.fields["household"].queryset)  # type: ignore[attr-defined]
    workers = list(form.fields["grid_worker"].queryset)  # type: ignore[attr-defined]
    backups = set(form.fields["backup_contacts"].queryset)  # type: ignore[attr-defined]
    assert households == [s.household_a]
    assert workers == [s.users["worker_a"]]
    assert {s.users["worker_a"], s.users["community_staff"], s.users["street_admin"]} <= backups
    assert s.users["worker_b"] not in backups and s.users["dept_handler"] not in backups

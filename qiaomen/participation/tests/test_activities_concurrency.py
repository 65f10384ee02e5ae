"""The last place of an activity under a rush: ten households at once, one winner, nine clear
refusals, and the seat count matches the sign-ups (real threads, a transactional test)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qiaomen.core.errors import Conflict
from qiaomen.participation.activities.activities import activity_signup
from qiaomen.participation.models.activities import Activity, SignUp, SignUpChannel
from qiaomen.participation.tests.activity_helpers import make_activity
from qiaomen.testing import SmallStreet, at_once, make_household

COPIES = 10


@pytest.mark.django_db(transaction=True)
def test_ten_households_race_for_the_last_place_and_one_wins(small_street: SmallStreet) -> None:
    activity = make_activity(small_street, timezone.now() + dt.timedelta(days=1), capacity=1)
    households = [make_household(small_street.building_a, f"3{index:02d}") for index in range(COPIES)]

    def sign_up(index: int) -> str:
        try:
            activity_signup(
                activity=Activity.objects.get(pk=activity.pk), household=households[index], channel=SignUpChannel.QR
            )
        except Conflict as exc:
            return exc.code
        return "ok"

    answers = at_once(COPIES, sign_up)

    assert sorted(answers) == ["activity_full"] * (COPIES - 1) + ["ok"]
    activity.refresh_from_db()
    assert activity.signed_up == 1 == SignUp.objects.filter(activity=activity).count()

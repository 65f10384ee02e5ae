"""registry_freshness: the share of records older than STALE_AFTER_DAYS, in the user's places."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from qiaomen.registry.models import DataSource, Household, Person, PersonStatus
from qiaomen.registry.selectors_freshness import registry_freshness
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 31, 8, 0, tzinfo=dt.UTC)


def _verify(records: list[Household | Person], at: dt.datetime) -> None:
    source = DataSource.objects.get(code="visit")
    for record in records:
        type(record).objects.filter(pk=record.pk).update(last_verified_at=at, last_verified_source=source)


@override_settings(STALE_AFTER_DAYS=30)
@pytest.mark.parametrize(
    ("age", "stale"),
    [
        (dt.timedelta(days=29, hours=23), False),
        (dt.timedelta(days=30), False),
        (dt.timedelta(days=30, seconds=1), True),
    ],
)
def test_a_record_is_stale_after_the_limit(small_street: SmallStreet, age: dt.timedelta, stale: bool):
    _verify([small_street.elder_a, small_street.child_a, small_street.household_a], NOW - age)

    with time_machine.travel(NOW, tick=False):
        freshness = registry_freshness(small_street.users["worker_a"])

    assert (freshness.persons_total, freshness.persons_stale) == (2, 2 if stale else 0)
    assert (freshness.households_total, freshness.households_stale) == (1, 1 if stale else 0)


def test_never_verified_counts_as_stale_and_only_the_users_places_count(small_street: SmallStreet):
    _verify([small_street.elder_a], timezone.now())

    worker_a = registry_freshness(small_street.users["worker_a"])
    admin = registry_freshness(small_street.users["street_admin"])

    assert (worker_a.persons_total, worker_a.persons_stale) == (2, 1)
    assert worker_a.persons_stale_share == 0.5 and worker_a.households_stale_share == 1.0
    assert (admin.persons_total, admin.households_total) == (3, 2)


def test_people_who_left_are_not_counted(small_street: SmallStreet):
    Person.objects.filter(pk=small_street.child_a.pk).update(status=PersonStatus.MOVED_OUT)

    assert registry_freshness(small_street.users["worker_a"]).persons_total == 1


def test_two_queries_whatever_the_size(small_street: SmallStreet, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    user = small_street.users["street_admin"]
    registry_freshness(user)  # the user's places are read once and cached on the user

    with django_assert_max_num_queries(2):
        registry_freshness(user)


def test_nobody_in_scope_is_no_division_by_zero(small_street: SmallStreet):
    freshness = registry_freshness(small_street.users["unassigned"])

    assert (freshness.persons_stale_share, freshness.households_stale_share) == (0.0, 0.0)

"""`field__any_of=ids` finds what `field__in=ids` finds, with the ids as one parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiaomen.registry.models import Household, Person
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_on_a_key_a_foreign_key_and_through_a_join(small_street: SmallStreet) -> None:
    ids = [small_street.household_a.pk, small_street.household_b.pk + 1000]
    assert set(Household.objects.filter(pk__any_of=ids)) == set(Household.objects.filter(pk__in=ids))
    assert set(Household.objects.filter(pk__any_of=ids)) == {small_street.household_a}
    people = Person.objects.filter(household_id__any_of=ids)
    assert set(people) == set(Person.objects.filter(household_id__in=ids)) and people.exists()
    grid = small_street.household_a.building.grid_id
    households = Household.objects.filter(building__grid_id__any_of=[grid])
    assert set(households) == set(Household.objects.filter(building__grid_id__in=[grid]))
    assert Household.objects.filter(pk__any_of=[str(small_street.household_b.pk)]).get() == small_street.household_b


def test_any_of_nothing_is_no_row_and_excluding_nothing_is_every_row(small_street: SmallStreet) -> None:
    assert not Household.objects.filter(pk__any_of=[]).exists()
    assert Household.objects.exclude(pk__any_of=[]).count() == Household.objects.count()


def test_the_ids_are_one_array_parameter_on_postgresql_and_a_list_elsewhere(small_street: SmallStreet) -> None:
    ids = list(Household.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        list(Household.objects.filter(pk__any_of=ids))
    (sql,) = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert '"registry_household"."id" = ANY(' in sql
    else:
        assert '"registry_household"."id" IN (' in sql

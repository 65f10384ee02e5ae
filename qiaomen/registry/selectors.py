"""Reads of the registry, always through the user's places.

`household_for_user` and `person_for_user` are the only ways a view or an API route fetches one
record: outside the user's places they raise Http404, exactly as if the record did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.scopes import place_scope
from qiaomen.registry.models import Household, Person


def households_for_user(user: User) -> QuerySet[Household]:
    scope = place_scope(user)
    return Household.objects.filter(scope.building_q("building__"))


def persons_for_user(user: User) -> QuerySet[Person]:
    scope = place_scope(user)
    return Person.objects.filter(scope.building_q("household__building__"))


def household_for_user(user: User, pk: int) -> Household:
    household = (
        households_for_user(user)
        .select_related("building__grid__community__street", "last_verified_source")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404
    return household


def person_for_user(user: User, pk: int) -> Person:
    person = (
        persons_for_user(user)
        .select_related("household__building__grid__community__street", "last_verified_source")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    return person

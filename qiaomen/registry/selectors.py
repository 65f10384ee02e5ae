"""Reads of the registry, always through the user's places.

`household_for_user` and `person_for_user` are the only ways a view or an API route fetches one
record: outside the user's places they raise Http404, exactly as if the record did not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.lookups import unique_or_none
from qiaomen.core.normalize import clean_text
from qiaomen.places.addresses import address_key
from qiaomen.places.models import Building, Grid
from qiaomen.registry.identity import search_index_for
from qiaomen.registry.models import (
    ConflictStatus,
    DataSource,
    FieldConflict,
    Household,
    Person,
    RecordChange,
    Relationship,
    Tag,
)
from qiaomen.registry.services import CHILD_AGE_LIMIT, person_age

if TYPE_CHECKING:
    from qiaomen.registry.importing.selectors import ConflictView


def households_for_user(user: User) -> QuerySet[Household]:
    scope = place_scope(user)
    return Household.objects.filter(scope.building_q("building__"))


def persons_for_user(user: User) -> QuerySet[Person]:
    scope = place_scope(user)
    return Person.objects.filter(scope.building_q("household__building__"))


def household_for_user(user: User, pk: int, *, for_page: bool = True) -> Household:
    """The household `pk` within the user's places, else Http404. `for_page` loads what its
    page and address show (the building's grid, community and street, the last source); without
    it only the building comes along, which is all that recording a visit reads: joining the rest
    cost a sixth of that request (bench/visits_post.py)."""
    related = ("building__grid__community__street", "last_verified_source") if for_page else ("building",)
    household = unique_or_none(households_for_user(user).select_related(*related).filter(pk=pk))
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


# Encrypted columns that lists do not load. The ID number is loaded, never shown: a member's
# exact age (and whether they are a child) comes from the birth date inside it.
PERSON_LIST_DEFERRED = ("phone", "care_notes", "remarks")
# Values, history and conflicts of these fields are health-like data (SECURITY.md line 7).
SENSITIVE_FIELDS = frozenset({"care_notes", "remarks", "tags"})
HISTORY_LIMIT = 50


def sees_sensitive(user: User) -> bool:
    return user.can(Capability.VIEW_SENSITIVE)


def _adults_q(persons: QuerySet[Person], on: dt.date) -> Q:
    """Those of `persons` who are at least CHILD_AGE_LIMIT years old on `on`.

    The clear birth year settles almost everyone. The year that reaches the limit during this
    year, and files old enough to hold a grown-up without a clear year, are decided on the exact
    birth date in their decrypted ID numbers: about one year's births, never the whole street.
    A file without a year was born in its creation year or the year before, so one created
    after the start of (on.year - 12) still holds a child.
    """
    limit_year = on.year - CHILD_AGE_LIMIT
    old_files = dt.datetime(on.year - CHILD_AGE_LIMIT + 2, 1, 1, tzinfo=dt.UTC)
    undecided = persons.filter(Q(birth_year=limit_year) | Q(birth_year__isnull=True, created_at__lt=old_files))
    # The row key is loaded with the number: it opens it (core.fields) without a query per person.
    adults = [p.pk for p in undecided.only("pk", "row_key", "id_number") if person_age(p, on=on) >= CHILD_AGE_LIMIT]
    return Q(birth_year__lt=limit_year) | Q(pk__in=adults)


def _visible_persons(user: User) -> QuerySet[Person]:
    """Children under 14 exist for a user only with the sensitive-data permission."""
    persons = persons_for_user(user)
    if sees_sensitive(user):
        return persons
    return persons.filter(_adults_q(persons, timezone.localdate()))


def tags_shown_to(user: User) -> QuerySet[Tag]:
    """Tags a user may see on a person; sensitive ones (health, disability) need the permission."""
    return Tag.objects.all() if sees_sensitive(user) else Tag.objects.filter(is_sensitive=False)


def tag_filter_choices(user: User) -> QuerySet[Tag]:
    return tags_shown_to(user).filter(active=True)


def _members(user: User) -> Prefetch:
    """Members (head first) with the tags this user may see; phone and notes not even decrypted."""
    members = (
        Person.objects.defer(*PERSON_LIST_DEFERRED)
        .prefetch_related(Prefetch("tags", queryset=tags_shown_to(user), to_attr="shown_tags"))
        .order_by(Case(When(relationship=Relationship.HEAD, then=Value(0)), default=Value(1)), "pk")
    )
    return Prefetch("members", queryset=members)


def _listed(user: User, households: QuerySet[Household]) -> QuerySet[Household]:
    return (
        households.select_related("building__grid__community", "last_verified_source")
        .prefetch_related(_members(user))
        # The household's own address key orders like building, unit, room and has an index.
        .order_by("address_key")
    )


def household_search(
    user: User,
    *,
    text: str = "",
    grid: Grid | None = None,
    building: Building | None = None,
    tag: Tag | None = None,
) -> QuerySet[Household]:
    """Households in the user's places by address or member name, narrowed by grid, building, tag.

    Never by ID number or phone: those go through `household_search_exact`, by POST.
    """
    households = households_for_user(user)
    if grid is not None:
        households = households.filter(building__grid=grid)
    if building is not None:
        households = households.filter(building=building)
    visible = _visible_persons(user)
    if tag is not None:
        if tag.is_sensitive and not sees_sensitive(user):
            return households.none()
        households = households.filter(pk__in=visible.filter(tags=tag).values("household_id"))
    text = clean_text(text)
    if text:
        households = households.filter(_text_q(text, visible))
    return _listed(user, households)


# Above every character a name can hold: [text, text + END) is "starts with text" as a range
# that the index on the name column answers.
_END_OF_TEXT = "\U0010ffff"


def _address_matches(key: str) -> list[QuerySet[Household]]:
    """Households whose address matches the typed address key, each set answered by an index.

    "和平路12号" and "3栋" match buildings (a street has about a thousand, a substring match over
    them is cheap); "3栋2单元501" matches the rooms of the buildings matching "3栋"; "501" alone
    matches rooms by equality; a full address matches by prefix on the unique address key.
    """
    households = Household.objects.order_by()
    matches = [households.filter(address_key__gte=key, address_key__lt=key + _END_OF_TEXT)]
    building, sep, rest = key.rpartition("栋")
    if sep and building and rest:
        buildings = Building.objects.filter(address_key__contains=building + sep)
        matches.append(households.filter(building__in=buildings, address_key__endswith=rest))
    else:
        matches.append(households.filter(building__in=Building.objects.filter(address_key__contains=key)))
        if key.isdigit():
            matches.append(households.filter(room=key))
    return matches


def _text_q(text: str, visible: QuerySet[Person]) -> Q:
    """A member's name starts with `text` (names are typed surname first), or the address
    matches it.

    Each way of matching is its own indexed query and the household ids are their UNION: an OR
    of them in one WHERE made SQLite scan all 70,000 households of a street, and a substring
    match on names read all 190,000 names, for every search.
    """
    by_name = visible.filter(name__gte=text, name__lt=text + _END_OF_TEXT).order_by().values("household_id")
    key = address_key(text)
    by_address = [match.values("pk") for match in _address_matches(key)] if key else []
    return Q(pk__in=by_name.union(*by_address)) if by_address else Q(pk__in=by_name)


def household_search_exact(user: User, number: str) -> QuerySet[Household] | None:
    """Households of the person with exactly this ID number or phone; None if it is neither."""
    found = search_index_for(number)
    if found is None:
        return None
    column, index = found
    persons = _visible_persons(user).filter(**{column: index})
    households = households_for_user(user).filter(pk__in=persons.values("household_id"))
    return _listed(user, households)


@dataclass(frozen=True)
class ProvenanceRow:
    field: str
    label: str
    source: str
    at: dt.datetime | None


@dataclass(frozen=True)
class MemberView:
    person: Person
    age: int
    tags: list[Tag]
    provenance: list[ProvenanceRow]


@dataclass(frozen=True)
class HouseholdView:
    household: Household
    members: list[MemberView]
    hidden_children: int  # members under 14 this user may not see: counted, never named


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    subject: str  # whose file: the household's address or a member's name
    label: str
    old: str
    new: str
    source: DataSource | None
    actor: User | None


@dataclass(frozen=True)
class HouseholdCard:
    view: HouseholdView
    history: list[HistoryRow]
    open_conflicts: int


@dataclass(frozen=True)
class PersonCard:
    person: Person
    age: int
    tags: list[Tag]
    show_sensitive: bool
    provenance: list[ProvenanceRow]
    history: list[HistoryRow]
    conflicts: list[ConflictView]  # masked and labelled as the import's conflicts page shows them


def field_label(model: type[models.Model], field: str) -> str:
    try:
        return str(getattr(model._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:
        return field


def _provenance(user: User, person: Person, sources: dict[str, DataSource]) -> list[ProvenanceRow]:
    """Where each current value came from, read from the person's provenance map."""
    rows = []
    for field, origin in sorted(person.provenance.items()):
        if field in SENSITIVE_FIELDS and not sees_sensitive(user):
            continue
        code = str(origin.get("source", ""))
        source = sources.get(code)
        at_text = origin.get("at")
        at = dt.datetime.fromisoformat(at_text) if isinstance(at_text, str) else None
        rows.append(ProvenanceRow(field, field_label(Person, field), source.name if source else code, at))
    return rows


def household_views(
    user: User, households: Iterable[Household], *, with_provenance: bool = False
) -> list[HouseholdView]:
    """Households fetched with their members (`household_search*`, `household_card`) as this user may see them."""
    today = timezone.localdate()
    sensitive = sees_sensitive(user)
    sources = DataSource.objects.in_bulk(field_name="code") if with_provenance else {}
    views = []
    for household in households:
        members, hidden_children = [], 0
        for person in household.members.all():
            age = person_age(person, on=today)
            if age < CHILD_AGE_LIMIT and not sensitive:
                hidden_children += 1
                continue
            provenance = _provenance(user, person, sources) if with_provenance else []
            tags = person.shown_tags  # type: ignore[attr-defined]  # the Prefetch's to_attr
            members.append(MemberView(person, age, tags, provenance))
        views.append(HouseholdView(household, members, hidden_children))
    return views


def _history(user: User, *, household: Household | None, persons: list[Person]) -> list[HistoryRow]:
    """The newest changes of a household file and its members' files (masked old → new)."""
    subjects: dict[tuple[str, int], str] = {("person", p.pk): p.name for p in persons}
    q = Q(object_type="person", object_id__in=[p.pk for p in persons])
    if household is not None:
        subjects[("household", household.pk)] = str(household)
        q |= Q(object_type="household", object_id=household.pk)
    changes = RecordChange.objects.filter(q).select_related("actor", "source")
    if not sees_sensitive(user):
        changes = changes.exclude(field__in=SENSITIVE_FIELDS)
    models_by_type: dict[str, type[models.Model]] = {"household": Household, "person": Person}
    return [
        HistoryRow(
            at=change.at,
            subject=subjects[(change.object_type, change.object_id)],
            label=field_label(models_by_type[change.object_type], change.field),
            old=change.old_masked,
            new=change.new_masked,
            source=change.source,
            actor=change.actor,
        )
        for change in changes[:HISTORY_LIMIT]
    ]


def household_card(user: User, household: Household) -> HouseholdCard:
    """一户一档: members, tags, provenance, history and open conflicts of one household.

    `household` comes from `household_for_user`, so scoping has already been applied.
    """
    prefetch_related_objects([household], _members(user))
    view = household_views(user, [household], with_provenance=True)[0]
    persons = [member.person for member in view.members]
    open_conflicts = FieldConflict.objects.filter(person__in=persons, status=ConflictStatus.OPEN)
    if not sees_sensitive(user):
        open_conflicts = open_conflicts.exclude(field__in=SENSITIVE_FIELDS)
    return HouseholdCard(
        view=view, history=_history(user, household=household, persons=persons), open_conflicts=open_conflicts.count()
    )


def _open_conflicts(user: User, person: Person) -> list[ConflictView]:
    """Disagreements between sources, both values masked."""
    # Imported here: the importing package reads this module's scoped selectors.
    from qiaomen.registry.importing.selectors import conflict_views

    conflicts = FieldConflict.objects.filter(person=person, status=ConflictStatus.OPEN).select_related(
        "current_source", "incoming_source"
    )
    if not sees_sensitive(user):
        conflicts = conflicts.exclude(field__in=SENSITIVE_FIELDS)
    return conflict_views(list(conflicts.order_by("created_at", "pk")))


def person_card(user: User, person: Person) -> PersonCard:
    """一人一档 of a person fetched through `person_for_user` and already recorded as viewed."""
    tags = list(tags_shown_to(user).filter(people=person))
    sources = DataSource.objects.in_bulk(field_name="code")
    return PersonCard(
        person=person,
        age=person_age(person),
        tags=tags,
        show_sensitive=sees_sensitive(user),
        provenance=_provenance(user, person, sources),
        history=_history(user, household=None, persons=[person]),
        conflicts=_open_conflicts(user, person),
    )

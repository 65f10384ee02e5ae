"""The kinds of household the demo street has, how common each is, and what a drawn household
is: occupied by an ordinary or a special family, vacant, or registered here with nobody living
here (人户分离)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from qiaomen.demo.people import Member, Origin, PersonDrawer, man_of, woman_of
from qiaomen.demo.vocabulary import (
    AWAY_ELDER_REMARK,
    AWAY_REMARKS,
    CHRONIC_NOTES,
    DISABILITY_NOTES,
    ELDER_ALONE_NOTES,
    LEFT_BEHIND_NOTE,
    MATERNAL_NOTES,
    OLDEST_NOTES,
)
from qiaomen.registry.models import Gender, HouseholdStatus, Relationship, ResidentType

SPECIAL_SHARE = 0.15
VACANT_SHARE = 0.035
AWAY_SHARE = 0.045  # registered here, living elsewhere: 人户分离 households

T = TypeVar("T")


@dataclass(frozen=True)
class DrawnHousehold:
    kind: str  # "special", "vacant", "separated" or "ordinary"
    status: str
    members: list[Member]
    origin: Origin  # where the members are registered, unless a member's own origin says otherwise


class HouseholdDrawer(PersonDrawer):
    """Draws whole households, each of a kind that fits the people in it."""

    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        super().__init__(rng=rng, today=today)
        # How common each kind of household is, in percent of its group.
        self.ordinary_kinds: dict[Callable[[], tuple[list[Member], Origin | None]], int] = {
            self._single: 8,
            self._young_couple: 10,
            self._couple_with_child: 22,
            self._couple_with_children: 10,
            self._three_generations: 12,
            self._elderly_couple: 12,
            self._renting_family: 14,
            self._shared_rental: 6,
            self._family_with_lodger: 6,
        }
        self.special_kinds: dict[Callable[[], list[Member]], int] = {
            self._elder_alone: 30,
            self._oldest_old: 14,
            self._with_disabled: 12,
            self._left_behind: 8,
            self._in_distress: 5,
            self._min_living: 9,
            self._with_chronic: 14,
            self._veteran: 5,
            self._maternal: 3,
        }

    def household(self, here: Origin) -> DrawnHousehold:
        """A household of the flat whose own address (registered here, living here) is `here`."""
        draw = self.rng.random()
        if draw < SPECIAL_SHARE:
            members = self._weighted(self.special_kinds)()
            # One in ten special families lives here while registered elsewhere in the city.
            origin = self.city_origin(renting=False) if self.rng.random() < 0.1 else here
            return DrawnHousehold("special", HouseholdStatus.OCCUPIED, members, origin)
        if draw < SPECIAL_SHARE + VACANT_SHARE:
            return DrawnHousehold("vacant", HouseholdStatus.VACANT, [], here)
        if draw < SPECIAL_SHARE + VACANT_SHARE + AWAY_SHARE:
            members = self.rng.choice(
                (self._single, self._young_couple, self._couple_with_child, self._elderly_couple)
            )()[0]
            members[0].notes.append(AWAY_ELDER_REMARK if members[0].age >= 60 else self.rng.choice(AWAY_REMARKS))
            away = Origin("", here.address, ResidentType.REGISTERED, separated=True)
            return DrawnHousehold("separated", HouseholdStatus.SEPARATED, members, away)
        members, renting_origin = self._weighted(self.ordinary_kinds)()
        # Some owners live here while their 户口 is elsewhere in the city.
        origin = renting_origin or (self.city_origin(renting=False) if self.rng.random() < 0.08 else here)
        return DrawnHousehold("ordinary", HouseholdStatus.OCCUPIED, members, origin)

    def _weighted(self, kinds: dict[T, int]) -> T:
        return self.rng.choices(list(kinds), list(kinds.values()))[0]

    # Ordinary households: nobody in them is 80 or older, so none has a special-group tag.
    # Each returns its members and, for renters, their origin (None: registered here).

    def _single(self) -> tuple[list[Member], Origin | None]:
        return [self.member(Relationship.HEAD, self.gender(), 22, 64)], None

    def _young_couple(self) -> tuple[list[Member], Origin | None]:
        return self.couple(24, 38), None

    def _couple_with_child(self) -> tuple[list[Member], Origin | None]:
        return self.family(28, 55, 1), None

    def _couple_with_children(self) -> tuple[list[Member], Origin | None]:
        return self.family(32, 50, 2, (0, 20)), None

    def _three_generations(self) -> tuple[list[Member], Origin | None]:
        family = self.family(30, 48, self.rng.randint(1, 2), (0, 17))
        head = family[0]
        father_age = min(head.age + self.rng.randint(24, 32), 79)
        mother_age = max(father_age - self.rng.randint(0, 4), head.age + 21)
        parents = [
            self.member(Relationship.PARENT, Gender.MALE, father_age, father_age, head.surname),
            self.member(Relationship.PARENT, Gender.FEMALE, mother_age, mother_age),
        ]
        # At most five in all: with two grandchildren only one grandparent lives here.
        return family + self.rng.sample(parents, self.rng.randint(1, min(2, 5 - len(family)))), None

    def _elderly_couple(self) -> tuple[list[Member], Origin | None]:
        return self.couple(62, 77), None

    def _renting_family(self) -> tuple[list[Member], Origin | None]:
        origin = self.migrant_origin() if self.rng.random() < 0.7 else self.city_origin(renting=True)
        return self.family(24, 45, self.rng.randint(0, 2), (0, 14)), origin

    def _shared_rental(self) -> tuple[list[Member], Origin | None]:
        sharers = [self.member(Relationship.TENANT, self.gender(0.4), 20, 35) for _ in range(self.rng.randint(2, 4))]
        sharers[0].relationship = Relationship.HEAD
        for sharer in sharers:
            sharer.origin = self.migrant_origin() if self.rng.random() < 0.75 else self.city_origin(renting=True)
        return sharers, None

    def _family_with_lodger(self) -> tuple[list[Member], Origin | None]:
        lodger = self.member(Relationship.TENANT, self.gender(), 20, 40)
        lodger.origin = self.migrant_origin()
        return [*self.family(45, 65, 1, (10, 30)), lodger], None

    # Special households: each has a member with a special-group tag that fits their age and
    # sex; `HouseholdWriter` adds elder_80 to everyone 80 or older.

    def _elder_alone(self) -> list[Member]:
        elder = self.member(Relationship.HEAD, self.gender(0.65), 68, 93)
        elder.tags.add("elder_alone")
        elder.notes.append(self.rng.choice(ELDER_ALONE_NOTES))
        if self.rng.random() < 0.4:
            elder.tags.add("chronic")
            elder.notes.append(self.rng.choice(CHRONIC_NOTES))
        return [elder]

    def _oldest_old(self) -> list[Member]:
        couple = self.couple(80, 93)
        couple[0].notes.append(self.rng.choice(OLDEST_NOTES))
        if self.rng.random() < 0.4:  # a grown-up child has moved back in to look after them
            couple += self.children(woman_of(couple), 1, 45, 65, man_of(couple).surname)
        return couple

    def _with_disabled(self) -> list[Member]:
        members = self.rng.choice((self._single, self._couple_with_child, self._three_generations))()[0]
        disabled = self.rng.choice([member for member in members if member.age >= 6])
        disabled.tags.add("disabled")
        disabled.notes.append(self.rng.choice(DISABILITY_NOTES))
        return members

    def _left_behind(self) -> list[Member]:
        if self.rng.random() < 0.7:
            grandparents = self.couple(56, 72)
        else:
            grandparents = [self.member(Relationship.HEAD, Gender.FEMALE, 56, 72)]
        surname = man_of(grandparents).surname
        children = [
            self.member(Relationship.GRANDCHILD, self.gender(), 3, 13, surname) for _ in range(self.rng.randint(1, 2))
        ]
        for child in children:
            child.tags.add("child_left")
            child.notes.append(LEFT_BEHIND_NOTE)
        return grandparents + children

    def _in_distress(self) -> list[Member]:
        parent = self.member(Relationship.HEAD, self.gender(0.7), 28, 45)
        parent.tags.add("min_living")
        if self.rng.random() < 0.3:
            parent.tags.add("disabled")
            parent.notes.append(self.rng.choice(DISABILITY_NOTES))
        # A single father's children: `_children` only needs someone 21 or more years older.
        children = self.children(parent, self.rng.randint(1, 2), 0, 15, parent.surname)
        for child in children:
            child.tags.add("child_distress")
        return [parent, *children]

    def _min_living(self) -> list[Member]:
        if self.rng.random() < 0.5:
            members = self.couple(50, 70)
        else:
            members = [self.member(Relationship.HEAD, self.gender(), 45, 70)]
        members[0].tags.add("min_living")
        return members

    def _with_chronic(self) -> list[Member]:
        members = self.rng.choice((self._elderly_couple, self._three_generations))()[0]
        patient = self.rng.choice([member for member in members if member.age >= 50])
        patient.tags.add("chronic")
        patient.notes.append(self.rng.choice(CHRONIC_NOTES))
        return members

    def _veteran(self) -> list[Member]:
        members = self.couple(35, 75, male_head=True)
        members[0].tags.add("veteran")
        return members

    def _maternal(self) -> list[Member]:
        members = self.couple(24, 36)
        mother = woman_of(members)
        mother.tags.add("maternal")
        mother.notes.append(self.rng.choice(MATERNAL_NOTES))
        if self.rng.random() < 0.5:
            members += self.children(mother, 1, 1, 5, man_of(members).surname)
        return members

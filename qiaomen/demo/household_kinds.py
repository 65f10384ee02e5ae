"""The kinds of household the demo street has, how common each is, and what a drawn household
is: occupied by an ordinary or a special family, vacant, or registered here with nobody living
here (人户分离)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from qiaomen.demo.people import Member, Origin, PersonDrawer, first_of
from qiaomen.demo.vocabulary import AWAY_ELDER_REMARK, AWAY_REMARKS, LEFT_BEHIND_NOTE, OLDEST_NOTES, weighted_choice
from qiaomen.registry.models import Gender, HouseholdStatus, Relationship, ResidentType

SPECIAL_SHARE = 0.15
VACANT_SHARE = 0.035
AWAY_SHARE = 0.045  # registered here, living elsewhere: 人户分离 households

# An ordinary kind of household: its members and, for renters, their origin (None: the flat's).
_OrdinaryKind = Callable[[], tuple[list[Member], Origin | None]]


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
        self.ordinary_kinds: dict[_OrdinaryKind, int] = {
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
            members = weighted_choice(self.rng, self.special_kinds)()
            # One in ten special families lives here while registered elsewhere in the city.
            origin = self.owner_origin(here, elsewhere_share=0.1)
            return DrawnHousehold("special", HouseholdStatus.OCCUPIED, members, origin)
        if draw < SPECIAL_SHARE + VACANT_SHARE:
            return DrawnHousehold("vacant", HouseholdStatus.VACANT, [], here)
        if draw < SPECIAL_SHARE + VACANT_SHARE + AWAY_SHARE:
            members = self._one_of(self._single, self._young_couple, self._couple_with_child, self._elderly_couple)
            members[0].notes.append(AWAY_ELDER_REMARK if members[0].age >= 60 else self.rng.choice(AWAY_REMARKS))
            away = Origin("", here.address, ResidentType.REGISTERED, separated=True)
            return DrawnHousehold("separated", HouseholdStatus.SEPARATED, members, away)
        members, renting_origin = weighted_choice(self.rng, self.ordinary_kinds)()
        # Some owners live here while their 户口 is elsewhere in the city.
        origin = renting_origin or self.owner_origin(here, elsewhere_share=0.08)
        return DrawnHousehold("ordinary", HouseholdStatus.OCCUPIED, members, origin)

    def _one_of(self, *kinds: _OrdinaryKind) -> list[Member]:
        """The members of a household of one of these ordinary kinds, each as likely."""
        return self.rng.choice(kinds)()[0]

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
        origin = self.renter_origin(migrant_share=0.7)
        return self.family(24, 45, self.rng.randint(0, 2), (0, 14)), origin

    def _shared_rental(self) -> tuple[list[Member], Origin | None]:
        sharers = [self.member(Relationship.TENANT, self.gender(0.4), 20, 35) for _ in range(self.rng.randint(2, 4))]
        sharers[0].relationship = Relationship.HEAD
        for sharer in sharers:
            sharer.origin = self.renter_origin(migrant_share=0.75)
        return sharers, None

    def _family_with_lodger(self) -> tuple[list[Member], Origin | None]:
        lodger = self.member(Relationship.TENANT, self.gender(), 20, 40)
        lodger.origin = self.migrant_origin()
        return [*self.family(45, 65, 1, (10, 30)), lodger], None

    # Special households: each has a member with a special-group tag that fits their age and
    # sex; `HouseholdWriter` adds elder_80 to everyone 80 or older.

    def _elder_alone(self) -> list[Member]:
        elder = self.member(Relationship.HEAD, self.gender(0.65), 68, 93)
        self.tag(elder, "elder_alone")
        if self.rng.random() < 0.4:
            self.tag(elder, "chronic")
        return [elder]

    def _oldest_old(self) -> list[Member]:
        couple = self.couple(80, 93)
        couple[0].notes.append(self.rng.choice(OLDEST_NOTES))
        if self.rng.random() < 0.4:  # a grown-up child has moved back in to look after them
            couple += self.children_of(couple, 1, 45, 65)
        return couple

    def _with_disabled(self) -> list[Member]:
        members = self._one_of(self._single, self._couple_with_child, self._three_generations)
        self.tag(self.rng.choice([member for member in members if member.age >= 6]), "disabled")
        return members

    def _left_behind(self) -> list[Member]:
        if self.rng.random() < 0.7:
            grandparents = self.couple(56, 72)
        else:
            grandparents = [self.member(Relationship.HEAD, Gender.FEMALE, 56, 72)]
        surname = first_of(grandparents, Gender.MALE).surname
        children = [
            self.member(Relationship.GRANDCHILD, self.gender(), 3, 13, surname) for _ in range(self.rng.randint(1, 2))
        ]
        for child in children:
            self.tag(child, "child_left")
            child.notes.append(LEFT_BEHIND_NOTE)
        return grandparents + children

    def _in_distress(self) -> list[Member]:
        parent = self.member(Relationship.HEAD, self.gender(0.7), 28, 45)
        self.tag(parent, "min_living")
        if self.rng.random() < 0.3:
            self.tag(parent, "disabled")
        # A single father's children too: `children_of` only needs someone 21 or more years older.
        children = self.children_of([parent], self.rng.randint(1, 2), 0, 15)
        for child in children:
            self.tag(child, "child_distress")
        return [parent, *children]

    def _min_living(self) -> list[Member]:
        if self.rng.random() < 0.5:
            members = self.couple(50, 70)
        else:
            members = [self.member(Relationship.HEAD, self.gender(), 45, 70)]
        self.tag(members[0], "min_living")
        return members

    def _with_chronic(self) -> list[Member]:
        members = self._one_of(self._elderly_couple, self._three_generations)
        self.tag(self.rng.choice([member for member in members if member.age >= 50]), "chronic")
        return members

    def _veteran(self) -> list[Member]:
        members = self.couple(35, 75, male_head=True)
        self.tag(members[0], "veteran")
        return members

    def _maternal(self) -> list[Member]:
        members = self.couple(24, 36)
        self.tag(first_of(members, Gender.FEMALE), "maternal")
        if self.rng.random() < 0.5:
            members += self.children_of(members, 1, 1, 5)
        return members

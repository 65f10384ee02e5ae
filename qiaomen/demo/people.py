"""The demo street's people: their names, birth dates, valid and unique ID numbers and phones,
where they are registered (户籍), and the couples and children households are made of."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from qiaomen.core.idnumber import IdNumber, age_on, make_id_number
from qiaomen.demo.vocabulary import (
    CARE_NOTES,
    CITY_DISTRICTS,
    GIVEN_CHARS,
    HOME_COUNTIES,
    LOCAL_REGIONS,
    MOBILE_PREFIXES,
    OLDER_NAMES,
    SURNAMES,
    VILLAGES,
    YOUNGER_NAMES,
    weighted_choice,
)
from qiaomen.registry.models import Gender, Relationship, ResidentType


@dataclass(frozen=True)
class Origin:
    """Where a person is registered (户籍), compared with where they live."""

    region: str  # ID region code; "" draws one of the city's own per person
    address: str
    resident_type: str
    separated: bool


# Taken ID numbers drawn in a row before the next draws move to another region (id_number).
TRIES_PER_REGION = 50


@dataclass
class Member:
    relationship: str
    gender: str
    birth: dt.date
    age: int
    surname: str
    tags: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    origin: Origin | None = None  # None: the household's


def first_of(members: list[Member], gender: str) -> Member:
    """The first man or woman of the members; the first member when there is none."""
    return next((member for member in members if member.gender == gender), members[0])


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


class PersonDrawer:
    """Draws people from the seeded generator; no two get the same ID number or phone."""

    def __init__(self, *, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()
        # (region, birth date, gender) whose 100 numbers are (all but) taken; see id_number.
        self.spent: set[tuple[str, dt.date, str]] = set()
        self.used_phones: set[str] = set()

    def _birth(self, youngest: int, oldest: int) -> dt.date:
        """A birth date on which the person is `youngest` to `oldest` years old today (never today)."""
        latest = _years_before(self.today, youngest) - dt.timedelta(days=1)
        earliest = _years_before(self.today, oldest + 1) + dt.timedelta(days=1)
        return earliest + dt.timedelta(days=self.rng.randrange(max(1, (latest - earliest).days + 1)))

    def member(self, relationship: str, gender: str, youngest: int, oldest: int, surname: str = "") -> Member:
        birth = self._birth(youngest, oldest)
        return Member(relationship, gender, birth, age_on(birth, self.today), surname or self._surname())

    def _surname(self) -> str:
        return weighted_choice(self.rng, SURNAMES)

    def tag(self, member: Member, code: str) -> None:
        """Gives the member a special-group tag and, if the tag comes with care notes, one of them."""
        member.tags.add(code)
        if code in CARE_NOTES:
            member.notes.append(self.rng.choice(CARE_NOTES[code]))

    def gender(self, female_share: float = 0.5) -> str:
        return Gender.FEMALE if self.rng.random() < female_share else Gender.MALE

    def given_name(self, member: Member) -> str:
        if member.birth.year < 1965 and self.rng.random() < 0.55:
            return self.rng.choice(OLDER_NAMES[member.gender])
        if member.birth.year >= 2008 and self.rng.random() < 0.5:
            return self.rng.choice(YOUNGER_NAMES[member.gender])
        chars = GIVEN_CHARS[member.gender]
        return "".join(self.rng.choice(chars) for _ in range(1 if self.rng.random() < 0.25 else 2))

    def id_number(self, region: str, member: Member) -> IdNumber:
        """A valid ID number nobody else in the street has; "" region: one of the city's own.

        A region has 100 numbers for a birth date and gender, and in a city of millions the
        commonest birth dates of the main district use them all up (4,000,000 households drew
        forever here): after TRIES_PER_REGION taken numbers in a row the region counts as spent
        for that date and gender, and the draws go to another of the city's regions. A street of
        up to a million households almost never gets that far, so its numbers are what they were."""
        region = region or weighted_choice(self.rng, LOCAL_REGIONS)
        taken = 0
        while True:
            if (region, member.birth, member.gender) in self.spent:
                region = self._region_left(member)
            value = make_id_number(region, member.birth, self.rng.randrange(100), member.gender)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return IdNumber(value=value, birth_date=member.birth, gender=member.gender)
            taken += 1
            if taken % TRIES_PER_REGION == 0:
                # Remembered: the next person of this birth date and gender goes elsewhere at once,
                # instead of spending TRIES_PER_REGION draws again (most of a city's build time).
                self.spent.add((region, member.birth, member.gender))

    def _region_left(self, member: Member) -> str:
        left = [code for code in sorted(LOCAL_REGIONS) if (code, member.birth, member.gender) not in self.spent]
        if not left:
            raise RuntimeError(f"the demo has no ID numbers left for people born on {member.birth}")
        return self.rng.choice(left)

    def phone(self, age: int) -> str:
        draw = self.rng.random()
        if age < 14 or (age < 16 and draw < 0.7) or (age >= 75 and draw < 0.15):
            return ""
        while True:
            if age >= 75 and draw < 0.4:  # many old people only have the flat's fixed line
                phone = f"0571{self.rng.randint(8000_0000, 8999_9999)}"
            else:
                phone = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def city_origin(self, *, renting: bool) -> Origin:
        code, district, roads = self.rng.choice(CITY_DISTRICTS)
        rng = self.rng
        flat = f"{rng.randint(1, 12)}幢{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
        address = f"浙江省杭州市{district}{rng.choice(roads)}{rng.randint(1, 300)}号{flat}"
        return Origin(code, address, ResidentType.TENANT if renting else ResidentType.REGISTERED, separated=True)

    def migrant_origin(self) -> Origin:
        code, county, towns = self.rng.choice(HOME_COUNTIES)
        address = f"{county}{self.rng.choice(towns)}{self.rng.choice(VILLAGES)}村{self.rng.randint(1, 120)}号"
        return Origin(code, address, ResidentType.MIGRANT, separated=True)

    def renter_origin(self, *, migrant_share: float) -> Origin:
        """A tenant's: a migrant's home county, or (the rest) elsewhere in the city."""
        return self.migrant_origin() if self.rng.random() < migrant_share else self.city_origin(renting=True)

    def owner_origin(self, here: Origin, *, elsewhere_share: float) -> Origin:
        """Where a family living in its own flat is registered: mostly `here`, some elsewhere in the city."""
        return self.city_origin(renting=False) if self.rng.random() < elsewhere_share else here

    def couple(self, youngest: int, oldest: int, *, male_head: bool = False) -> list[Member]:
        husband = self.member(Relationship.HEAD, Gender.MALE, youngest, oldest)
        wife_age = max(youngest, husband.age - self.rng.randint(-2, 5))
        wife = self.member(Relationship.SPOUSE, Gender.FEMALE, wife_age, wife_age)
        if not male_head and self.rng.random() < 0.25:  # the wife is the registered head
            husband.relationship, wife.relationship = Relationship.SPOUSE, Relationship.HEAD
            return [wife, husband]
        return [husband, wife]

    def children_of(self, parents: list[Member], count: int, youngest: int, oldest: int) -> list[Member]:
        """Children aged `youngest` to `oldest`, born when their mother (a single parent) was 21 or
        older, with their father's (a single parent's) surname."""
        oldest = min(oldest, first_of(parents, Gender.FEMALE).age - 21)
        if oldest < youngest:
            return []
        surname = first_of(parents, Gender.MALE).surname
        return [self.member(Relationship.CHILD, self.gender(), youngest, oldest, surname) for _ in range(count)]

    def family(self, youngest: int, oldest: int, children: int, child_ages: tuple[int, int] = (0, 25)) -> list[Member]:
        couple = self.couple(youngest, oldest)
        return couple + self.children_of(couple, children, *child_ages)

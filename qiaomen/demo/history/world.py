"""What the simulated year acts on, read once: the households and their places, the staff, each
community's and department's quality, and the taxonomy. Services get these objects, so they do
not fetch the same household, worker or sub-category again for every event."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from qiaomen.accounts.models import Department
from qiaomen.demo.history.calendar import SimYear
from qiaomen.demo.history.quality import (
    CommunityQuality,
    DepartmentQuality,
    community_qualities,
    department_qualities,
)
from qiaomen.demo.history.staff import Staff, staff_ensure
from qiaomen.demo.history.timeline import Timeline
from qiaomen.places.models import Building, Community
from qiaomen.registry.models import DoorCode, Household, HouseholdStatus, PersonStatus, PersonTag
from qiaomen.tickets.models import Subcategory, Ticket


@dataclass
class World:
    year: SimYear
    timeline: Timeline
    seed: int
    staff: Staff
    households: dict[int, Household]  # with building, grid and community read
    special: frozenset[int]  # household ids with a person in a special group
    door_codes: dict[int, DoorCode]  # household id → its household code
    communities: dict[int, CommunityQuality]  # community id → quality
    departments: dict[int, DepartmentQuality]  # department id → quality
    troubled: dict[int, str]  # building id → the sub-category it keeps reporting
    subcategories: dict[str, Subcategory]
    counts: Counter[str] = field(default_factory=Counter)
    tickets: dict[int, Ticket] = field(default_factory=dict)  # each ticket as this year last left it
    _rngs: dict[str, random.Random] = field(default_factory=dict)

    def rng(self, purpose: str) -> random.Random:
        """A generator of its own for each purpose, so that adding draws to one leaves the others
        alone: the same one for the same purpose all year."""
        if purpose not in self._rngs:
            self._rngs[purpose] = random.Random(f"{self.seed}:{purpose}")
        return self._rngs[purpose]

    @cached_property
    def subcategory_codes(self) -> dict[int, str]:
        return {subcategory.pk: code for code, subcategory in self.subcategories.items()}

    def community_of(self, household: Household) -> CommunityQuality:
        return self.communities[household.building.grid.community_id]


def world_load(*, year: SimYear, timeline: Timeline, seed: int, lasting_problems: tuple[str, ...]) -> World:
    rng = random.Random(f"{seed}:world")
    staff = staff_ensure(rng=rng)
    households = {
        household.pk: household for household in Household.objects.select_related("building__grid").order_by("pk")
    }
    special = frozenset(
        PersonTag.objects.filter(
            tag__is_special_group=True, tag__active=True, person__status=PersonStatus.ACTIVE
        ).values_list("person__household_id", flat=True)
    )
    door_codes: dict[int, DoorCode] = {}
    codes = DoorCode.objects.filter(person__isnull=True, revoked_at__isnull=True).order_by("pk")
    for code in codes.select_related("household__building__grid"):
        door_codes.setdefault(code.household_id, code)
    communities = list(Community.objects.order_by("code").values_list("pk", flat=True))
    departments = list(Department.objects.order_by("code").values_list("pk", flat=True))
    community_quality = dict(zip(communities, community_qualities(rng, len(communities)), strict=True))
    # Each community's share of troubled buildings, at least one where the share is large.
    buildings: dict[int, list[int]] = {}
    for building_id, community_id in Building.objects.order_by("pk").values_list("pk", "grid__community_id"):
        buildings.setdefault(community_id, []).append(building_id)
    troubled: dict[int, str] = {}
    for community_id, ids in sorted(buildings.items()):
        share = community_quality[community_id].troubled_share
        count = max(1 if share >= 0.1 else 0, round(share * len(ids)))
        for building_id in rng.sample(ids, min(count, len(ids))):
            troubled[building_id] = rng.choice(lasting_problems)
    return World(
        year=year,
        timeline=timeline,
        seed=seed,
        staff=staff,
        households={pk: h for pk, h in households.items() if h.status != HouseholdStatus.MOVED_OUT},
        special=special,
        door_codes=door_codes,
        communities=community_quality,
        departments=dict(zip(departments, department_qualities(rng, len(departments)), strict=True)),
        troubled=troubled,
        subcategories={s.code: s for s in Subcategory.objects.select_related("department").filter(retired=False)},
    )

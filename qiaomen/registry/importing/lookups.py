"""What an import looks up for every row, loaded once per file in a handful of queries.

Per-row queries would cost 100,000 round trips on a large file; these dictionaries cost one
query each (about 10 MB for a city's 70,000 households).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qiaomen.accounts.models import User
from qiaomen.places.addresses import address_key, room_label
from qiaomen.places.models import Street
from qiaomen.registry.importing.person_values import separated_flag
from qiaomen.registry.models import DataSource, Household, Tag
from qiaomen.registry.selectors import households_for_user


@dataclass
class RegistryLookups:
    street_names: tuple[str, ...]
    household_ids: dict[str, int]  # address key → household id
    household_keys: dict[int, str]  # and back
    household_labels: dict[int, str]  # household id → 和平路12号3栋2单元501室
    # None: every household (the command, run by the system admin); else the user's places.
    allowed_household_ids: frozenset[int] | None
    tag_ids: dict[str, int]  # tag name and code → id
    tag_names: dict[int, str]
    sources: dict[str, DataSource]  # code → source
    _address_cache: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, *, user: User | None) -> RegistryLookups:
        ids: dict[str, int] = {}
        keys: dict[int, str] = {}
        labels: dict[int, str] = {}
        rows = Household.objects.values_list("id", "address_key", "unit", "room", "building__address")
        for pk, key, unit, room, building_address in rows.iterator(chunk_size=5000):
            ids[key] = pk
            keys[pk] = key
            labels[pk] = building_address + room_label(unit, room)
        allowed = None
        if user is not None:
            allowed = frozenset(households_for_user(user).values_list("id", flat=True))
        tag_ids: dict[str, int] = {}
        tag_names: dict[int, str] = {}
        for pk, code, name in Tag.objects.filter(active=True).values_list("id", "code", "name"):
            tag_ids[name] = tag_ids[code] = pk
            tag_names[pk] = name
        return cls(
            street_names=tuple(Street.objects.values_list("name", flat=True)),
            household_ids=ids,
            household_keys=keys,
            household_labels=labels,
            allowed_household_ids=allowed,
            tag_ids=tag_ids,
            tag_names=tag_names,
            sources={source.code: source for source in DataSource.objects.all()},
        )

    def address_key_of(self, text: str) -> str:
        # Members of one household share the address text: fold each spelling once.
        key = self._address_cache.get(text)
        if key is None:
            key = self._address_cache[text] = address_key(text, street_names=self.street_names)
        return key

    def household_allowed(self, household_id: int | None) -> bool:
        if self.allowed_household_ids is None:
            return True
        return household_id is not None and household_id in self.allowed_household_ids

    def separated(self, registered_address: str, household_id: int | None) -> bool:
        registered_key = self.address_key_of(registered_address) if registered_address else ""
        return separated_flag(registered_key, self.household_keys.get(household_id) if household_id else None)

"""Writing the demo street's households, their people and their tags, a grid at a time.

The rows go in through `BulkInsert` (the registry import's own writer), with the ID numbers and
phones filled by the registry's `id_number_columns` and `phone_columns`, so they are encrypted,
indexed and masked exactly as the registry stores them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils.translation import gettext as _

from qiaomen.core.bulk import BulkInsert
from qiaomen.core.errors import Conflict
from qiaomen.demo.household_kinds import HouseholdDrawer
from qiaomen.demo.people import Origin
from qiaomen.demo.places import CITY, STREET_NAME, Flat
from qiaomen.demo.vocabulary import weighted_choice
from qiaomen.places.addresses import address_key, room_label
from qiaomen.registry.identity import ID_NUMBER_COLUMNS, PHONE_COLUMNS, id_number_columns, phone_columns
from qiaomen.registry.models import DataSource, Household, HouseholdStatus, Person, PersonTag, ResidentType, Tag

VERIFIED_WITHIN_DAYS = 60
_VERIFIED_COLUMNS = ("last_verified_at", "last_verified_source_id")
_HOUSEHOLD_COLUMNS = ("building_id", "unit", "room", "address_key", "status", *_VERIFIED_COLUMNS)
_PERSON_COLUMNS = (
    *_VERIFIED_COLUMNS,
    "household_id",
    "relationship",
    "name",
    "registered_address",
    "resident_type",
    "separated",
    "care_notes",
    "remarks",
    "provenance",
    *ID_NUMBER_COLUMNS,
    *PHONE_COLUMNS,
)
# The fields whose values the demo says came from the police population data.
_POLICE_FIELDS = ("name", "id_number", "registered_address")
# Which department a special-group tag usually comes from, for the tag's provenance.
_TAG_SOURCES = {
    "elder_alone": "civil_affairs",
    "elder_80": "civil_affairs",
    "disabled": "disabled_fed",
    "child_distress": "civil_affairs",
    "child_left": "civil_affairs",
    "min_living": "civil_affairs",
    "chronic": "health",
    "veteran": "civil_affairs",
    "maternal": "health",
}
# Who last verified a household and its people, and how often each is the one.
_VERIFYING_SOURCES = {"visit": 50, "community": 30, "police": 20}


class HouseholdWriter:
    """Draws a household for every flat and writes it with its people; `counts` says how many."""

    def __init__(self, *, rng: random.Random, today: dt.date, now: dt.datetime) -> None:
        self.rng = rng
        self.now = now
        self.drawer = HouseholdDrawer(rng=rng, today=today)
        self.tag_ids = dict(Tag.objects.values_list("code", "pk"))
        self.source_ids = dict(DataSource.objects.values_list("code", "pk"))
        if not set(_TAG_SOURCES) <= set(self.tag_ids) or not {*_TAG_SOURCES.values(), *_VERIFYING_SOURCES} <= set(
            self.source_ids
        ):
            raise Conflict(
                "demo_reference_data_missing", _("The default tags or data sources are missing; run migrate first.")
            )
        # bulk_create would cost about half a millisecond a person: two minutes for a large street.
        self.households = BulkInsert(Household, varying=_HOUSEHOLD_COLUMNS, with_ids=True)
        self.people = BulkInsert(Person, varying=_PERSON_COLUMNS, with_ids=True)
        self.person_tags = BulkInsert(PersonTag, varying=("person_id", "tag_id", "source_id"))
        self._counts: Counter[str] = Counter()

    @property
    def counts(self) -> dict[str, int]:
        return {**self._counts, "households": self.households.written, "people": self.people.written}

    def grid_fill(self, flats: list[Flat]) -> None:
        """A household in each of a grid's flats, written before the next grid is drawn."""
        for flat in flats:
            self._household_add(flat)
        for writer in (self.households, self.people, self.person_tags):
            writer.flush()

    def _household_add(self, flat: Flat) -> None:
        flat_address = flat.building.address + room_label(flat.unit, flat.room)
        verified_at = self.now - dt.timedelta(seconds=self.rng.randrange(VERIFIED_WITHIN_DAYS * 86400))
        source = weighted_choice(self.rng, _VERIFYING_SOURCES)
        verified = {"last_verified_at": verified_at, "last_verified_source_id": self.source_ids[source]}
        here = Origin("", f"{CITY}{STREET_NAME}{flat_address}", ResidentType.REGISTERED, separated=False)
        drawn = self.drawer.household(here)
        if drawn.kind != "ordinary":
            self._counts[f"{drawn.kind}_households"] += 1
        household_id = self.households.add(
            {
                "building_id": flat.building.pk,
                "unit": flat.unit,
                "room": flat.room,
                "address_key": address_key(flat_address),
                "status": drawn.status,
                **verified,
            }
        )
        # In a 人户分离 household the note says where the person lives (a remark); elsewhere it is about care.
        away = drawn.status == HouseholdStatus.SEPARATED
        provenance_at = verified_at.isoformat()
        for member in drawn.members:
            member_origin = member.origin or drawn.origin
            if member.age >= 80:
                self.drawer.tag(member, "elder_80")
            phone = self.drawer.phone(member.age)
            notes = "；".join(member.notes)
            provenance = {name: {"source": "police", "at": provenance_at} for name in _POLICE_FIELDS}
            if phone:
                provenance["phone"] = {"source": "community", "at": provenance_at}
            person_id = self.people.add(
                {
                    "household_id": household_id,
                    "relationship": member.relationship,
                    "name": member.surname + self.drawer.given_name(member),
                    "registered_address": member_origin.address,
                    "resident_type": member_origin.resident_type,
                    "separated": member_origin.separated,
                    "care_notes": "" if away else notes,
                    "remarks": notes if away else "",
                    **verified,
                    "provenance": provenance,
                    **id_number_columns(self.drawer.id_number(member_origin.region, member)),
                    **phone_columns(phone),
                }
            )
            for code in sorted(member.tags):
                self.person_tags.add(
                    {
                        "person_id": person_id,
                        "tag_id": self.tag_ids[code],
                        "source_id": self.source_ids[_TAG_SOURCES[code]],
                    }
                )
            self._counts["separated_people"] += member_origin.separated
            self._counts[f"resident_{member_origin.resident_type}"] += 1

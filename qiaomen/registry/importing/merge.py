"""Merging validated rows into the registry by ID number, one chunk of rows at a time.

`chunk_plan` reads (three queries per chunk, none per row) and decides; `chunk_write` writes
what was decided with bulk statements. The dry run and the preview call only `chunk_plan`;
the import calls both inside one transaction, so that the preview and the import can never
disagree on the rules.

The rules, field by field:
- a new ID number creates a person, with the source and time of every value it sets;
- an empty stored value is filled in; a value the same source stated before is corrected;
- a value another source stated (or nobody recorded) is never overwritten: the disagreement is
  kept as an open `FieldConflict` with both values until an admin decides;
- tags are added, never removed; an empty cell never erases anything;
- every person in the file, changed or not, is verified now by this source, and so is the
  household they live in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.bulk import BulkInsert
from qiaomen.core.fields import bulk_update_sealed
from qiaomen.core.masking import mask_name
from qiaomen.registry.identity import ID_NUMBER_COLUMNS, PHONE_COLUMNS, phone_columns
from qiaomen.registry.importing.lookups import RegistryLookups
from qiaomen.registry.importing.person_values import (
    field_header,
    value_current,
    value_masked,
    value_set,
    value_unset,
)
from qiaomen.registry.importing.problems import Problem
from qiaomen.registry.importing.rows import CleanRow
from qiaomen.registry.models import (
    ConflictStatus,
    DataSource,
    FieldConflict,
    Household,
    ImportBatch,
    Person,
    PersonTag,
    RecordChange,
    Relationship,
    ResidentType,
)
from qiaomen.registry.services import record_change

# The columns a source states for a person besides its ID number and phone: compared when the
# person is known, written when new.
STATED_COLUMNS = (
    "household_id",
    "name",
    "registered_address",
    "resident_type",
    "relationship",
    "remarks",
    "separated",
    "provenance",
)
# Only what the merge compares or writes: care notes and the ID number are never decrypted.
LOADED_COLUMNS = ("id", "row_key", "id_index", *PHONE_COLUMNS, *STATED_COLUMNS, "version")
# What a merge counts, all of them in every report (0 when nothing happened).
COUNT_KEYS = ("new", "updated", "unchanged", "conflicts", "conflicts_pending", "tags_added")
# The columns `_person_values` gives for a new person (the others are the same for the import).
NEW_PERSON_COLUMNS = (*ID_NUMBER_COLUMNS, *PHONE_COLUMNS, *STATED_COLUMNS)
# Values derived from the ID number: stated by whoever first gave the number.
ID_DERIVED_FIELDS = ("id_number", "gender", "birth_year")


@dataclass
class ChunkMerge:
    """What one chunk of rows does to the registry, decided but not yet written."""

    new: list[CleanRow] = field(default_factory=list)
    updated: list[Person] = field(default_factory=list)
    updated_columns: set[str] = field(default_factory=set)
    changes: list[RecordChange] = field(default_factory=list)
    tags: list[dict[str, int]] = field(default_factory=list)  # PersonTag columns for known people
    conflicts: list[FieldConflict] = field(default_factory=list)
    conflicts_refreshed: list[FieldConflict] = field(default_factory=list)
    verified_ids: list[int] = field(default_factory=list)
    household_ids: set[int] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    conflict_reports: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


class PersonMerge:
    def __init__(
        self,
        *,
        source: DataSource,
        lookups: RegistryLookups,
        at: dt.datetime,
        batch: ImportBatch | None,
        actor: User | None,
        id_column: str,
        address_column: str,
    ) -> None:
        self.source = source
        self.lookups = lookups
        self.at = at
        self.batch = batch
        self.actor = actor
        self.id_column = id_column
        self.address_column = address_column
        self.origin = {"source": source.code, "at": at.isoformat(), "batch": batch.pk if batch else None}

    # --- deciding ---------------------------------------------------------------------------

    def chunk_plan(self, rows: Sequence[CleanRow]) -> ChunkMerge:
        merged = ChunkMerge()
        stored = {
            person.id_index: person
            for person in Person.objects.filter(id_index__in=[row.id_index for row in rows]).only(*LOADED_COLUMNS)
        }
        stored_ids = [person.pk for person in stored.values()]
        tags_held = set(PersonTag.objects.filter(person_id__in=stored_ids).values_list("person_id", "tag_id"))
        open_conflicts = {
            (conflict.person_id, conflict.field): conflict
            for conflict in FieldConflict.objects.filter(
                person_id__in=stored_ids, incoming_source=self.source, status=ConflictStatus.OPEN
            )
        }
        for row in rows:
            person = stored.get(row.id_index)
            if person is None:
                self._person_new(row, merged)
            elif not self.lookups.household_allowed(person.household_id):
                merged.problems.append(
                    Problem(
                        row.number,
                        self.id_column,
                        "person_out_of_scope",
                        _("This person is registered outside your places: you cannot import them."),
                    )
                )
            else:
                self._person_update(person, row, merged, tags_held, open_conflicts)
        return merged

    def _person_new(self, row: CleanRow, merged: ChunkMerge) -> None:
        household_id = row.values.get("household")
        if household_id is None:
            merged.problems.append(
                Problem(
                    row.number,
                    self.address_column,
                    "address_missing",
                    _("A new person needs a current address to be placed in a household."),
                )
            )
            return
        merged.new.append(row)
        merged.household_ids.add(household_id)
        merged.counts["new"] += 1
        merged.counts["tags_added"] += len(row.tag_ids)

    def _person_values(self, row: CleanRow) -> dict[str, Any]:
        """A new person's columns by attname, with the source and time of every value set."""
        values = row.values
        household_id = values["household"]
        registered = str(values.get("registered_address", ""))
        stated = [*values, *ID_DERIVED_FIELDS, *(["separated"] if registered else [])]
        return {
            **row.identity,
            **phone_columns(str(values.get("phone", ""))),
            "household_id": household_id,
            "name": values["name"],
            "registered_address": registered,
            "resident_type": values.get("resident_type", ResidentType.REGISTERED.value),
            "relationship": values.get("relationship", Relationship.OTHER.value),
            "remarks": values.get("remarks", ""),
            "separated": self.lookups.separated(registered, household_id),
            "provenance": tuple(stated),  # prepared once per set of fields: see _provenance_prepared
        }

    def _person_update(
        self,
        person: Person,
        row: CleanRow,
        merged: ChunkMerge,
        tags_held: set[tuple[int, int]],
        open_conflicts: dict[tuple[int, str], FieldConflict],
    ) -> None:
        changed: list[str] = []
        for name, incoming in row.values.items():
            current = value_current(person, name)
            if incoming == current:
                continue
            stated_by = (person.provenance.get(name) or {}).get("source")
            if value_unset(name, current, stated_by) or stated_by == self.source.code:
                self._value_change(person, name, incoming, merged)
                changed.append(name)
            else:
                self._conflict(person, row, name, current, stated_by, incoming, merged, open_conflicts)
        if {"registered_address", "household"} & set(changed):
            separated = self.lookups.separated(person.registered_address, person.household_id)
            if separated != person.separated:
                self._value_change(person, "separated", separated, merged)
                changed.append("separated")
        for tag_id in row.tag_ids:
            if (person.pk, tag_id) not in tags_held:
                merged.tags.append({"person_id": person.pk, "tag_id": tag_id})
                merged.changes.append(self._history(person, "tags", "", self.lookups.tag_names[tag_id]))
                merged.counts["tags_added"] += 1
                changed.append("tags")
        if changed:
            person.version += 1
            person.updated_at = self.at
            merged.updated.append(person)
            merged.updated_columns.update(("provenance", "version", "updated_at"))
            merged.counts["updated"] += 1
        else:
            merged.counts["unchanged"] += 1
        merged.verified_ids.append(person.pk)
        if person.household_id is not None:
            merged.household_ids.add(person.household_id)

    def _value_change(self, person: Person, name: str, value: Any, merged: ChunkMerge) -> None:
        old_text = self._text(name, value_current(person, name))
        merged.updated_columns.update(value_set(person, name, value))
        person.provenance[name] = self.origin
        merged.changes.append(self._history(person, name, old_text, self._text(name, value)))

    def _history(self, person: Person, name: str, old_text: str, new_text: str) -> RecordChange:
        return record_change(
            object_type="person",
            object_id=person.pk,
            field=name,
            at=self.at,
            source=self.source,
            actor=self.actor,
            batch=self.batch,
            old_masked=value_masked(name, old_text),
            new_masked=value_masked(name, new_text),
        )

    def _conflict(
        self,
        person: Person,
        row: CleanRow,
        name: str,
        current: Any,
        stated_by: str | None,
        incoming: Any,
        merged: ChunkMerge,
        open_conflicts: dict[tuple[int, str], FieldConflict],
    ) -> None:
        current_text, incoming_text = self._text(name, current), self._text(name, incoming)
        already = open_conflicts.get((person.pk, name))
        if already is not None and already.incoming_value == incoming_text:
            merged.counts["conflicts_pending"] += 1  # reported before, still waiting for an admin
            return
        if self.batch is None:
            pass  # a plan: the conflict is reported below, nothing is kept
        elif already is not None:
            # The source now says something else: the one open disagreement carries the new value.
            already.incoming_value, already.current_value, already.batch = incoming_text, current_text, self.batch
            merged.conflicts_refreshed.append(already)
        else:
            merged.conflicts.append(
                FieldConflict(
                    person_id=person.pk,
                    field=name,
                    current_value=current_text,
                    current_source=self.lookups.sources.get(stated_by or ""),
                    incoming_value=incoming_text,
                    incoming_source=self.source,
                    batch=self.batch,
                )
            )
        merged.counts["conflicts"] += 1
        merged.conflict_reports.append(
            {
                "row": row.number,
                "person_id": person.pk,
                "name": mask_name(person.name),
                "field": name,
                "column": field_header(name),
                "current": value_masked(name, current_text),
                "current_source": stated_by or "",
                "incoming": value_masked(name, incoming_text),
            }
        )

    def _text(self, name: str, value: Any) -> str:
        if name == "household":
            return self.lookups.household_labels.get(value, "") if value else ""
        return "" if value is None else str(value)

    # --- writing ----------------------------------------------------------------------------

    @cached_property
    def _person_insert(self) -> BulkInsert:
        assert self.batch is not None, "a plan without a batch is never written"
        return BulkInsert(
            Person,
            varying=NEW_PERSON_COLUMNS,
            with_ids=True,
            preparers={"provenance": self._provenance_prepared},
            constants={
                "created_at": self.at,
                "updated_at": self.at,
                "created_by_batch_id": self.batch.pk,
                "last_verified_at": self.at,
                "last_verified_source_id": self.source.pk,
            },
        )

    @cache  # noqa: B019 (one merge per import: the cache lives as long as the import)
    def _provenance_prepared(self, stated: tuple[str, ...]) -> Any:
        """The stored JSON of a new person's provenance: the same for everyone in the file who
        states the same fields, so it is serialised once per set instead of once per person."""
        return Person._meta.get_field("provenance").get_db_prep_save(dict.fromkeys(stated, self.origin), connection)

    @cached_property
    def _tag_insert(self) -> BulkInsert:
        return BulkInsert(
            PersonTag, varying=("person_id", "tag_id"), constants={"source_id": self.source.pk, "added_at": self.at}
        )

    def chunk_write(self, merged: ChunkMerge) -> None:
        new_tags: list[dict[str, int]] = []
        for row in merged.new:
            # The id is handed out before the row is written, so its tags need no second query.
            person_id = self._person_insert.add(self._person_values(row))
            assert person_id is not None  # with_ids=True
            new_tags.extend({"person_id": person_id, "tag_id": tag_id} for tag_id in row.tag_ids)
        self._person_insert.flush()
        self._tag_insert.rows(merged.tags + new_tags)
        if merged.updated:
            bulk_update_sealed(merged.updated, sorted(merged.updated_columns))
        RecordChange.objects.bulk_create(merged.changes)
        FieldConflict.objects.bulk_create(merged.conflicts)
        for conflict in merged.conflicts_refreshed:
            conflict.save(update_fields=["incoming_value", "current_value", "batch"])
        verified = {"last_verified_at": self.at, "last_verified_source": self.source}
        if merged.verified_ids:
            Person.objects.filter(pk__in=merged.verified_ids).update(**verified)
        if merged.household_ids:
            Household.objects.filter(pk__in=merged.household_ids).update(**verified)

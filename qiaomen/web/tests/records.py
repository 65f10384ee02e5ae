"""History, provenance and conflicts attached to small_street's records, as an import leaves them."""

from __future__ import annotations

import datetime as dt

from qiaomen.registry.models import DataSource, FieldConflict, ImportBatch, ImportStatus, Person, RecordChange

VERIFIED_AT = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 2026-03-02 00:30 in Shanghai


def add_import_trail(person: Person, *, incoming_phone: str) -> FieldConflict:
    """Civil affairs set the phone and care notes; the police later report another phone."""
    civil = DataSource.objects.get(code="civil_affairs")
    police = DataSource.objects.get(code="police")
    batch = ImportBatch.objects.create(
        source=police, filename="police.xlsx", file_sha256="0" * 64, status=ImportStatus.COMMITTED
    )
    origin = {"source": "civil_affairs", "at": VERIFIED_AT.isoformat(), "batch": batch.pk}
    Person.objects.filter(pk=person.pk).update(
        provenance={"phone": origin, "care_notes": origin, "name": origin},
        last_verified_at=VERIFIED_AT,
        last_verified_source=civil,
    )
    RecordChange.objects.bulk_create(
        [
            RecordChange(
                object_type="person",
                object_id=person.pk,
                field="phone",
                old_masked="137****0000",
                new_masked=person.phone_masked,
                source=civil,
                at=VERIFIED_AT,
            ),
            RecordChange(
                object_type="person",
                object_id=person.pk,
                field="care_notes",
                old_masked="",
                new_masked="••••",
                source=civil,
                at=VERIFIED_AT,
            ),
        ]
    )
    return FieldConflict.objects.create(
        person=person,
        field="phone",
        current_value=person.phone,
        current_source=civil,
        incoming_value=incoming_phone,
        incoming_source=police,
        batch=batch,
    )

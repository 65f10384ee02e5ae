"""SECURITY.md line 3: after the data key is rotated, the rows written under the old key still
read (from the database, through the model), new writes take the new key, and exact search by
the blind index keeps finding the old rows."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from pytest_django.fixtures import Settings

from qiaomen.core.crypto import DecryptionError, key_id_of
from qiaomen.keys import new_key_text, parse_keyring
from qiaomen.registry.identity import id_number_index
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet, make_person, raw_database_bytes

pytestmark = pytest.mark.django_db


def _stored(person: Person, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM registry_person WHERE id = %s", [person.pk])  # noqa: S608 (a fixed name)
        return str(cursor.fetchone()[0])


def test_security_3_person_rows_written_under_the_old_key_still_read_after_rotation(
    small_street: SmallStreet, settings: Settings
) -> None:
    index_key = base64.b64encode(settings.QIAOMEN_KEYS.index_key).decode()
    old = f"old:{new_key_text()}"
    settings.QIAOMEN_KEYS = parse_keyring(old, index_key)
    before = make_person(small_street.household_a, "周桂芳", phone="13700004321", care_notes="高血压")
    assert key_id_of(_stored(before, "id_number")) == "old"

    settings.QIAOMEN_KEYS = parse_keyring(f"new:{new_key_text()},{old}", index_key)

    read = Person.objects.get(id_index=id_number_index(before.id_number))
    assert (read.id_number, read.phone, read.care_notes) == (before.id_number, "13700004321", "高血压")
    after = make_person(small_street.household_a, "吴国强", phone="13700008765")
    assert key_id_of(_stored(after, "id_number")) == key_id_of(_stored(after, "phone")) == "new"
    # Without the old key (dropped too early) the old row refuses to read instead of showing garbage.
    settings.QIAOMEN_KEYS = parse_keyring(f"new:{new_key_text()}", index_key)
    # A value is opened when it is read (core.fields), so the refusal comes with the first read.
    unreadable = Person.objects.get(pk=before.pk)
    with pytest.raises(DecryptionError, match="no key 'old'"):
        _ = unreadable.id_number


# Transactional: reading the raw database checkpoints SQLite's WAL, which a test transaction blocks.
@pytest.mark.django_db(transaction=True)
def test_security_3_the_keys_are_neither_in_the_database_nor_in_the_repository(small_street: SmallStreet) -> None:
    ring = settings.QIAOMEN_KEYS
    raw = [*ring.data_keys.values(), ring.index_key]
    keys = raw + [base64.b64encode(key) for key in raw]
    assert Person.objects.exists()
    database = raw_database_bytes()  # the SQLite file and its WAL, or a pg_dump on PostgreSQL
    assert not [key for key in keys if key in database]
    # Outside production a key file is made on first start as var/keys.env: the repository ignores var/.
    assert "var/" in (Path(__file__).resolve().parents[3] / ".gitignore").read_text(encoding="utf-8").split()

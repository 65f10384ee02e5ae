"""Personal data at rest (SECURITY.md lines 1-3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from qiaomen.core.crypto import DecryptionError
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_a_tampered_ciphertext_in_the_database_raises_instead_of_showing_garbage(small_street: SmallStreet) -> None:
    person = small_street.elder_a
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM registry_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
        tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
        cursor.execute("UPDATE registry_person SET phone = %s WHERE id = %s", [tampered, person.pk])
    with pytest.raises(DecryptionError):
        _ = Person.objects.get(pk=person.pk).phone


@pytest.mark.django_db
def test_the_stored_columns_hold_no_plaintext(small_street: SmallStreet) -> None:
    person = small_street.elder_a
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, care_notes FROM registry_person WHERE id = %s", [person.pk])
        id_number, phone, notes = cursor.fetchone()
    assert person.id_number not in id_number and "13800001111" not in phone and "糖尿病" not in notes
    assert person.id_masked == person.id_number[:6] + "********" + person.id_number[-4:]


def test_production_without_a_data_key_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIAOMEN_", "DJANGO_"))}
    env.update(
        QIAOMEN_ENV="production",
        DJANGO_SECRET_KEY="x" * 50,
        QIAOMEN_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="qiaomen.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "QIAOMEN_DATA_KEY" in result.stderr
    assert not (tmp_path / "keys.env").exists()

"""Personal data at rest (SECURITY.md lines 1-3)."""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qiaomen.core.crypto import DecryptionError
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet, database_dumps, raw_database_bytes

ROOT = Path(__file__).resolve().parents[3]


def _flipped(token: str) -> str:
    """The same ciphertext with one bit of one byte flipped."""
    version, kid, payload = token.split(":", 2)
    raw = bytearray(base64.b64decode(payload))
    raw[len(raw) // 2] ^= 0x01
    return f"{version}:{kid}:{base64.b64encode(bytes(raw)).decode()}"


@pytest.mark.django_db
def test_security_1_a_flipped_ciphertext_byte_raises_and_the_page_shows_nothing_garbled(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    person = small_street.elder_a
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM registry_person WHERE id = %s", [person.pk])
        cursor.execute(
            "UPDATE registry_person SET phone = %s WHERE id = %s", [_flipped(cursor.fetchone()[0]), person.pk]
        )
    with pytest.raises(DecryptionError):
        _ = Person.objects.get(pk=person.pk).phone
    client = client_as("worker_a")
    client.raise_request_exception = False
    response = client.post(reverse("web:person_unmask", args=[person.pk]), {"field": "phone", "reason": "回电"})
    assert response.status_code == 500
    assert b"13800001111" not in response.content and b"1380" not in response.content


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_security_1_a_known_id_number_is_absent_from_the_database_file_the_dumps_and_the_logs(
    client_as: Callable[[str], Client], small_street: SmallStreet, caplog: pytest.LogCaptureFixture
) -> None:
    person = small_street.elder_a
    secrets = (person.id_number, "13800001111", "糖尿病")
    with caplog.at_level(logging.DEBUG):
        client = client_as("worker_a")
        assert client.get(reverse("web:person_detail", args=[person.pk])).status_code == 200
        shown = client.post(reverse("web:person_unmask", args=[person.pk]), {"field": "id_number", "reason": "核对"})
        assert person.id_number in shown.content.decode()  # the one place a full value may appear
    raw, dumps = raw_database_bytes(), database_dumps()
    assert person.name.encode() in raw and person.name in dumps  # the checks read real data
    for secret in secrets:
        assert secret.encode() not in raw and secret not in dumps and secret not in caplog.text
    assert person.id_masked == person.id_number[:6] + "*" * 11 + person.id_number[-1]


def test_security_3_production_without_a_data_key_refuses_to_start(tmp_path: Path) -> None:
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

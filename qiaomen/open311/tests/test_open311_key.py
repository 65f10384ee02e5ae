"""`manage.py open311_key`: a new key is printed once, works, is stored only as its SHA-256, and
stops working when revoked."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from qiaomen.core.models import AuditEntry
from qiaomen.open311.models import Open311Key
from qiaomen.open311.tests.open311_helpers import BASE, assert_errors
from qiaomen.testing import SmallStreet


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue()


def _request(key: str) -> dict[str, str]:
    return {"api_key": key, "service_code": "LIF-FAC", "lat": "31.2", "long": "121.4", "description": "路灯不亮"}


def test_create_prints_a_working_key_once_and_stores_only_its_hash(client: Client, small_street: SmallStreet) -> None:
    printed = run("create", "市民热线平台")
    key = printed.strip().splitlines()[-1]
    assert len(key) >= 43  # token_urlsafe(32): 256 random bits
    record = Open311Key.objects.get(name="市民热线平台")
    assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM open311_open311key")
        rows = cursor.fetchall()
    assert key not in repr(rows)
    assert AuditEntry.objects.filter(action="open311.key_create", object_id=str(record.pk)).exists()
    assert client.post(f"{BASE}/requests.json", _request(key)).status_code == 201
    listing = run("list")
    assert "市民热线平台" in listing and "有效" in listing and key not in listing


def test_revoke_stops_the_key_at_once(client: Client, small_street: SmallStreet) -> None:
    key = run("create", "旧平台").strip().splitlines()[-1]
    assert "已吊销" in run("revoke", "旧平台")
    assert_errors(client.post(f"{BASE}/requests.json", _request(key)), "json", 403, "api_key_invalid")
    assert "已吊销" in run("list")
    with pytest.raises(CommandError, match="key_not_found"):
        run("revoke", "旧平台")


def test_a_key_for_one_street_and_the_refusals(small_street: SmallStreet) -> None:
    run("create", "幸福街道平台", "--street", "XF")
    assert Open311Key.objects.get(name="幸福街道平台").street == small_street.street
    with pytest.raises(CommandError, match="key_name_taken"):
        run("create", "幸福街道平台")
    with pytest.raises(CommandError, match="street_not_found"):
        run("create", "别的平台", "--street", "NOPE")
    with pytest.raises(CommandError, match="key_name_invalid"):
        run("create", "   ")
    assert Open311Key.objects.count() == 1

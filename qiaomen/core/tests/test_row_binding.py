"""Hole 4: a ciphertext is bound to its table, column and row, not only to its column."""

from __future__ import annotations

import base64
import os
import pickle
from collections.abc import Callable
from io import StringIO

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from qiaomen.core.crypto import DecryptionError
from qiaomen.core.fields import bulk_update_sealed
from qiaomen.keys import KeyRing
from qiaomen.registry.models import Person
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _stored(person: Person, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM registry_person WHERE id = %s", [person.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _store(person: Person, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE registry_person SET {column} = %s WHERE id = %s", [value, person.pk])  # noqa: S608


def _v1_token(plaintext: str, purpose: str) -> str:
    """A value as the v1 format wrote it: the column's purpose as associated data, no row."""
    ring = settings.QIAOMEN_KEYS
    nonce = os.urandom(12)
    sealed = AESGCM(ring.data_keys[ring.current_kid]).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"v1:{ring.current_kid}:{base64.b64encode(nonce + sealed).decode()}"


def _reencrypt() -> str:
    out = StringIO()
    call_command("reencrypt", "--batch-size", "1", stdout=out)
    return out.getvalue()


def test_hole_4_a_ciphertext_copied_into_another_persons_row_does_not_decrypt(
    client_as: Callable[[str], Client], small_street: SmallStreet
) -> None:
    elder, child = small_street.elder_a, small_street.child_a
    _store(child, "phone", _stored(elder, "phone"))
    with pytest.raises(DecryptionError):
        _ = Person.objects.get(pk=child.pk).phone
    # The elder's own row still reads; the child's row answers an error, never the elder's phone.
    assert Person.objects.get(pk=elder.pk).phone == "13800001111"
    client = client_as("worker_a")
    client.raise_request_exception = False
    response = client.post(reverse("web:person_unmask", args=[child.pk]), {"field": "phone", "reason": "回电"})
    assert response.status_code == 500
    assert b"13800001111" not in response.content


def test_hole_4_a_ciphertext_copied_with_its_row_key_is_refused_by_the_database(small_street: SmallStreet) -> None:
    elder, child = small_street.elder_a, small_street.child_a
    with pytest.raises(IntegrityError), transaction.atomic():
        _store(child, "row_key", _stored(elder, "row_key"))


def test_hole_4_a_v1_row_reads_before_and_after_reencrypt(small_street: SmallStreet) -> None:
    elder = small_street.elder_a
    _store(elder, "id_number", _v1_token(elder.id_number, "person.id_number"))
    assert Person.objects.get(pk=elder.pk).id_number == elder.id_number
    report = _reencrypt()
    assert "registry.Person: 1 stale rows, 1 values rewritten, 0 failed" in report
    assert _stored(elder, "id_number").startswith(f"v2:{settings.QIAOMEN_KEYS.current_kid}:")
    assert Person.objects.get(pk=elder.pk).id_number == elder.id_number
    # Idempotent: nothing is left to rewrite.
    assert "registry.Person: 0 stale rows, 0 values rewritten" in _reencrypt()


def test_hole_4_after_key_rotation_old_rows_read_and_reencrypt_moves_them_to_the_new_key(
    small_street: SmallStreet,
) -> None:
    old = settings.QIAOMEN_KEYS
    rotated = KeyRing("k2", {"k2": b"n" * 32, **old.data_keys}, old.index_key)
    people = Person.objects.count()
    ticket = ticket_create(
        channel=Channel.STAFF,
        description="独居老人想申请助餐",
        subcategory=Subcategory.objects.get(code="LIF-MEAL"),
        household=small_street.household_a,
    )
    with override_settings(QIAOMEN_KEYS=rotated):
        assert Person.objects.get(pk=small_street.elder_a.pk).phone == "13800001111"
        report = _reencrypt()
        assert f"registry.Person: {people} stale rows" in report and "tickets.Ticket: 1 stale rows" in report
        moved = Ticket.objects.get(pk=ticket.pk)
        assert (moved.description, moved.suggestion) == ("独居老人想申请助餐", ticket.suggestion)
        assert _stored(small_street.elder_a, "phone").startswith("v2:k2:")
        assert _stored(small_street.elder_a, "care_notes").startswith("v2:k2:")
        assert Person.objects.get(pk=small_street.elder_a.pk).care_notes == "糖尿病，低糖饮食"
    # The old key alone no longer opens the rewritten rows: they really moved.
    with pytest.raises(DecryptionError):
        _ = Person.objects.get(pk=small_street.elder_a.pk).phone


def test_reencrypt_leaves_a_value_that_does_not_decrypt_as_it_is_and_says_so(small_street: SmallStreet) -> None:
    elder = small_street.elder_a
    broken = _v1_token("13800001111", "person.id_number")  # written for another column
    _store(elder, "phone", broken)
    with pytest.raises(Exception, match="did not decrypt"):
        _reencrypt()
    assert _stored(elder, "phone") == broken


def test_a_value_read_saved_and_bulk_updated_stays_bound_to_its_row(small_street: SmallStreet) -> None:
    elder = Person.objects.get(pk=small_street.elder_a.pk)
    untouched = _stored(elder, "care_notes")
    elder.remarks = "新备注"
    elder.save()
    assert _stored(elder, "care_notes") == untouched  # never read: written back as stored
    elder.phone = "13800003333"
    bulk_update_sealed([elder], ["phone"])
    assert Person.objects.get(pk=elder.pk).phone == "13800003333"
    with pytest.raises(ValueError, match="sealed to its row"), transaction.atomic():
        Person.objects.filter(pk=elder.pk).update(phone="13800004444")
    deferred = Person.objects.only("pk").get(pk=elder.pk)
    assert (deferred.phone, deferred.remarks) == ("13800003333", "新备注")
    assert Person.objects.values_list("phone", flat=True).get(pk=elder.pk).startswith("v2:")
    # A cached instance (pickled) still opens its values, read or not.
    assert pickle.loads(pickle.dumps(Person.objects.get(pk=elder.pk))).phone == "13800003333"  # noqa: S301

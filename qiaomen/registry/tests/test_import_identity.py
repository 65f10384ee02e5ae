"""SECURITY.md line 2: a person is found again by the keyed hash (HMAC) of their ID number, never
by the plaintext: the same number imported twice, however spelled and by whichever path, is one
person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.registry.identity import id_number_index
from qiaomen.registry.models import ImportBatch, Person
from qiaomen.registry.tests.import_files import HEADER, address_of, csv_write, import_file, new_id_number, xlsx_write
from qiaomen.testing import SmallStreet, sign_in

pytestmark = pytest.mark.django_db


def _number_ending_in_x() -> str:
    while not (number := new_id_number(dt.date(1958, 6, 1), "F")).endswith("X"):
        pass
    return number


def _typed_by_hand(number: str) -> str:
    """Full-width digits, a lowercase x and spaces, as a clerk's spreadsheet has them."""
    digits = "".join(chr(ord(c) + 0xFEE0) for c in number[:-1])
    return f" {digits[:6]} {digits[6:]}x "


def test_security_2_the_same_id_number_imported_twice_is_one_person_found_by_its_hmac(
    small_street: SmallStreet, tmp_path: Path
) -> None:
    number = _number_ending_in_x()
    address = address_of(small_street.household_a)
    import_file(csv_write(tmp_path / "police.csv", [HEADER, ["钱秀兰", number, "13700002468", address, ""]]))
    person = Person.objects.get(id_index=id_number_index(number))
    people_before = Person.objects.count()

    with CaptureQueriesContext(connection) as queries:
        second = import_file(
            xlsx_write(tmp_path / "health.xlsx", [HEADER, ["钱 秀兰", _typed_by_hand(number), "", address, ""]]),
            "health",
        )

    assert second.status == "committed" and second.counts["new"] == 0
    assert Person.objects.filter(id_index=person.id_index).count() == 1
    assert Person.objects.count() == people_before
    # The look-up went by the index: the number (nor its birth-date part) is in no statement.
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert person.id_index in statements
    assert number not in statements and number[6:14] not in statements.replace("-", "")


def test_security_2_the_import_page_finds_the_same_person_again(
    small_street: SmallStreet, tmp_path: Path, settings: Settings
) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    number = new_id_number()
    address = address_of(small_street.household_a)
    import_file(csv_write(tmp_path / "police.csv", [HEADER, ["孙建国", number, "", address, ""]]))
    people_before = Person.objects.count()
    client = Client()
    sign_in(client, small_street.users["street_admin"])
    path = xlsx_write(tmp_path / "民政.xlsx", [HEADER, ["孙建国", number.lower(), "13700001357", address, "低保户"]])

    uploaded = client.post(
        reverse("web:import_upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "source": "civil_affairs"},
    )
    assert uploaded.status_code == 302
    client.post(reverse("web:import_confirm", args=[ImportBatch.objects.latest("pk").pk]))

    assert Person.objects.count() == people_before
    person = Person.objects.get(id_index=id_number_index(number))
    assert person.phone == "13700001357", "the second file's phone went to the person found, not to a new one"

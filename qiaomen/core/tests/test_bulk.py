"""BulkInsert stores exactly what the ORM would store, and its ids are never handed out again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from qiaomen.core.bulk import BulkInsert
from qiaomen.core.idnumber import make_id_number, parse_id_number
from qiaomen.registry.identity import id_number_columns
from qiaomen.registry.models import Person, PersonStatus, PersonTag, Tag
from qiaomen.testing import SmallStreet, make_person

pytestmark = pytest.mark.django_db


def test_rows_read_back_through_the_orm_as_they_were_given(small_street: SmallStreet) -> None:
    number = make_id_number("110105", dt.date(1960, 5, 1), 7, "M")
    people = BulkInsert(
        Person,
        varying=("household_id", "name", "care_notes", "provenance", *id_number_columns(parse_id_number(number))),
        with_ids=True,
    )
    pk = people.add(
        {
            "household_id": small_street.household_b.pk,
            "name": "赵大海",
            "care_notes": "糖尿病，需低糖饮食",
            "provenance": {"name": {"source": "police"}},
            **id_number_columns(parse_id_number(number)),
        }
    )
    people.flush()
    assert pk is not None
    person = Person.objects.get(pk=pk)
    assert (person.name, person.id_number, person.care_notes) == ("赵大海", number, "糖尿病，需低糖饮食")
    assert person.provenance == {"name": {"source": "police"}} and person.gender == "M"
    # Columns not given take their defaults; auto_now columns the time of the insert.
    assert person.status == PersonStatus.ACTIVE and person.version == 1 and person.created_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, care_notes FROM registry_person WHERE id = %s", [pk])
        stored = cursor.fetchone()
    assert all(value.startswith("v2:") for value in stored) and number not in "".join(stored)
    # The ORM's next insert gets an id after the ones the writer handed out.
    assert make_person(small_street.household_b, "钱多多").pk > pk


def test_rows_without_handed_out_ids_are_written_at_once(small_street: SmallStreet) -> None:
    tags = BulkInsert(PersonTag, varying=("person_id", "tag_id"))
    codes = ["chronic", "veteran"]
    tags.rows({"person_id": small_street.resident_b.pk, "tag_id": Tag.objects.get(code=code).pk} for code in codes)
    assert tags.written == 2
    assert sorted(small_street.resident_b.tags.values_list("code", flat=True)) == codes


def test_tabs_newlines_backslashes_and_nulls_survive_the_chunk(small_street: SmallStreet) -> None:
    """On PostgreSQL a chunk goes in with COPY, whose text format gives tab, newline and backslash
    a meaning of their own: values holding them read back as they were given."""
    awkward = {"name": {"source": "登记\t表\n第2行", "path": "C:\\户籍\\2026.xlsx"}}
    people = BulkInsert(Person, varying=("household_id", "name", "phone", "provenance"), with_ids=True)
    pk = people.add(
        {"household_id": small_street.household_b.pk, "name": "孙\t小\\红", "phone": "", "provenance": awkward}
    )
    people.flush()
    assert pk is not None
    person = Person.objects.get(pk=pk)
    assert (person.name, person.phone, person.provenance) == ("孙\t小\\红", "", awkward)


def test_a_time_given_as_it_is_or_as_text_is_stored_as_the_same_moment(small_street: SmallStreet) -> None:
    """On PostgreSQL an aware datetime goes to the driver as it is; text still goes through the
    field, which parses it. Both read back as the moment they name."""
    moment = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    numbers = [parse_id_number(make_id_number("110105", dt.date(1970, 1, 1), n, "F")) for n in (3, 4)]
    varying = ("household_id", "name", "last_verified_at", *id_number_columns(numbers[0]))
    people = BulkInsert(Person, varying=varying, with_ids=True)
    pks = [
        people.add(
            {
                "household_id": small_street.household_b.pk,
                "name": f"周{n}",
                "last_verified_at": at,
                **id_number_columns(number),
            }
        )
        for n, (at, number) in enumerate(zip([moment, "2026-03-01T18:00:00+08:00"], numbers, strict=True))
    ]
    people.flush()
    stored = Person.objects.filter(pk__in=[pk for pk in pks if pk is not None]).values_list(
        "last_verified_at", flat=True
    )
    assert list(stored) == [moment, moment]

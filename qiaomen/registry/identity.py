"""Derived identity columns of a person: blind indexes, masked forms, gender and birth year.

Written in one place so that the import, the demo seed and staff edits fill them the same way.
"""

from __future__ import annotations

import datetime as dt

from qiaomen.core.crypto import blind_index
from qiaomen.core.idnumber import CHINA_TIME, IdNumber, parse_id_number
from qiaomen.core.masking import mask_id_number, mask_phone
from qiaomen.core.phone import parse_phone

ID_INDEX_PURPOSE = "person.id_number"
PHONE_INDEX_PURPOSE = "person.phone"
# The Person columns that id_number_columns and phone_columns fill, for writers that list columns.
ID_NUMBER_COLUMNS = ("id_number", "id_index", "id_masked", "gender", "birth_year")
# A birth year is kept in clear only this many calendar years before the file's creation.
BIRTH_YEAR_CLEAR_AFTER_YEARS = 2
PHONE_COLUMNS = ("phone", "phone_index", "phone_masked")


def id_number_index(value: str) -> str:
    return blind_index(value, purpose=ID_INDEX_PURPOSE)


def phone_index(value: str) -> str:
    return blind_index(value, purpose=PHONE_INDEX_PURPOSE)


def clear_birth_year(birth: dt.date, *, file_created: dt.date) -> int | None:
    """The birth year a file may keep in clear, or None.

    A birth year leaves a whole year of possible birth dates (365 × 500 sequence numbers of the
    row's gender / 11 for the shown check character ≈ 16,600 numbers) only if that year ended
    before the file was created. A baby's file created in the year of birth would narrow it to
    the days between 1 January and the creation date (a file made on 5 January: ~230 numbers).
    So the year stays empty for anyone born in the creation year or the year before, and an empty
    year then still spans at least the whole previous year. Exact ages come from the decrypted
    number (`registry.services.person_birth_date`).
    """
    if birth.year <= file_created.year - BIRTH_YEAR_CLEAR_AFTER_YEARS:
        return birth.year
    return None


def id_number_columns(id_number: IdNumber, *, file_created: dt.date | None = None) -> dict[str, object]:
    """The columns of a new file with this ID number (created today unless `file_created`)."""
    created = file_created or dt.datetime.now(CHINA_TIME).date()
    values = (
        id_number.value,
        id_number_index(id_number.value),
        mask_id_number(id_number.value),
        id_number.gender,
        clear_birth_year(id_number.birth_date, file_created=created),
    )
    return dict(zip(ID_NUMBER_COLUMNS, values, strict=True))


def phone_columns(phone: str) -> dict[str, object]:
    values = (phone, phone_index(phone) if phone else "", mask_phone(phone))
    return dict(zip(PHONE_COLUMNS, values, strict=True))


def search_index_for(text: str) -> tuple[str, str] | None:
    """If `text` is a valid ID number or phone, the (column, index) to look it up by exactly."""
    try:
        return "id_index", id_number_index(parse_id_number(text).value)
    except ValueError:
        pass
    try:
        return "phone_index", phone_index(parse_phone(text))
    except ValueError:
        return None

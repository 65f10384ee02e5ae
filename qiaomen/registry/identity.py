"""Derived identity columns of a person: blind indexes, masked forms, gender and birth date.

Written in one place so that the import, the demo seed and staff edits fill them the same way.
"""

from __future__ import annotations

from qiaomen.core.crypto import blind_index
from qiaomen.core.idnumber import IdNumber, parse_id_number
from qiaomen.core.masking import mask_id_number, mask_phone
from qiaomen.core.phone import parse_phone

ID_INDEX_PURPOSE = "person.id_number"
PHONE_INDEX_PURPOSE = "person.phone"
# The Person columns that id_number_columns and phone_columns fill, for writers that list columns.
ID_NUMBER_COLUMNS = ("id_number", "id_index", "id_masked", "gender", "birth_date")
PHONE_COLUMNS = ("phone", "phone_index", "phone_masked")


def id_number_index(value: str) -> str:
    return blind_index(value, purpose=ID_INDEX_PURPOSE)


def phone_index(value: str) -> str:
    return blind_index(value, purpose=PHONE_INDEX_PURPOSE)


def id_number_columns(id_number: IdNumber) -> dict[str, object]:
    values = (
        id_number.value,
        id_number_index(id_number.value),
        mask_id_number(id_number.value),
        id_number.gender,
        id_number.birth_date,
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

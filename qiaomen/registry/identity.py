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


def id_number_index(value: str) -> str:
    return blind_index(value, purpose=ID_INDEX_PURPOSE)


def phone_index(value: str) -> str:
    return blind_index(value, purpose=PHONE_INDEX_PURPOSE)


def id_number_columns(id_number: IdNumber) -> dict[str, object]:
    return {
        "id_number": id_number.value,
        "id_index": id_number_index(id_number.value),
        "id_masked": mask_id_number(id_number.value),
        "gender": id_number.gender,
        "birth_date": id_number.birth_date,
    }


def phone_columns(phone: str) -> dict[str, object]:
    return {
        "phone": phone,
        "phone_index": phone_index(phone) if phone else "",
        "phone_masked": mask_phone(phone),
    }


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

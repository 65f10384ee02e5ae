"""The person fields an import may set, how they are read, written and shown masked.

Shared by the merge (many people at once) and by conflict resolution (one value), so that both
write a value, its derived columns and its history the same way.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qiaomen.core.masking import mask_name, mask_phone, mask_text
from qiaomen.registry.identity import PHONE_COLUMNS, phone_columns
from qiaomen.registry.importing.headers import FIELDS
from qiaomen.registry.models import Person

# person field → the import column that carries it (its header names the field in reports)
MERGE_FIELDS: dict[str, str] = {
    "name": "name",
    "phone": "phone",
    "registered_address": "registered_address",
    "household": "address",
    "resident_type": "category",
    "relationship": "relationship",
    "remarks": "remarks",
}
# Choice fields start at a default (户籍, 其他) that no source stated: without provenance they
# count as empty, so the first department to state them is not reported as a conflict.
DEFAULTED_FIELDS = frozenset({"resident_type", "relationship"})
_MASKS = {"name": mask_name, "phone": mask_phone, "remarks": mask_text, "care_notes": mask_text}


def field_header(field: str) -> str:
    """The Chinese column name of a person field, as reports write it."""
    return FIELDS[MERGE_FIELDS[field]].header if field in MERGE_FIELDS else field


def field_label(field: str) -> Promise | str:
    if field == "resident_type":
        return _("Resident type")
    return FIELDS[MERGE_FIELDS[field]].label if field in MERGE_FIELDS else field


def value_current(person: Person, field: str) -> Any:
    return person.household_id if field == "household" else getattr(person, field)


def value_set(person: Person, field: str, value: Any) -> tuple[str, ...]:
    """Write `value` and its derived columns; returns the columns to save."""
    if field == "household":
        person.household_id = value
        return ("household",)
    if field == "phone":
        for column, column_value in phone_columns(value).items():
            setattr(person, column, column_value)
        return PHONE_COLUMNS  # the index and masked form follow the number
    setattr(person, field, value)
    return (field,)


def value_unset(field: str, value: Any, stated_by: str | None) -> bool:
    """True when the stored value counts as empty: filling it in is no disagreement."""
    return value in ("", None) or (field in DEFAULTED_FIELDS and stated_by is None)


def value_masked(field: str, text: str) -> str:
    """How a value appears in history, reports and the conflicts page."""
    mask = _MASKS.get(field)
    return mask(text) if mask else text


def separated_flag(registered_key: str, household_key: str | None) -> bool:
    """人户分离: the registered residence (as an address key) is not the flat the person lives in."""
    return bool(registered_key) and household_key is not None and registered_key != household_key

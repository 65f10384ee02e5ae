"""One data row of a department file: cleaned, checked, and turned into person values.

Cleaning folds what spreadsheets and typists do (trailing spaces, full-width digits and
letters, a lowercase x, numbers stored as floats); checking refuses what cannot be trusted
(a bad check digit, an ID number Excel turned into a number, a date that is not a date, an
address we cannot place). Every problem names its column; all problems of a row are reported,
not just the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from qiaomen.core.idnumber import IdNumber, IdNumberError, parse_id_number
from qiaomen.core.masking import mask_id_number, mask_phone
from qiaomen.core.normalize import clean_text, compact
from qiaomen.core.phone import PhoneError, parse_phone, phone_format_message
from qiaomen.registry.identity import id_number_columns
from qiaomen.registry.importing.headers import ColumnMap
from qiaomen.registry.importing.lookups import RegistryLookups
from qiaomen.registry.importing.problems import Problem
from qiaomen.registry.models import Gender, Relationship, ResidentType

NAME_MAX = 64
TEXT_MAX = 200
_CATEGORY_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_LONG_NUMBER = re.compile(r"\d{7,}[\dXx]?")

GENDER_WORDS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "M": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "F": Gender.FEMALE,
}
# Plain strings, not enum members: they go to the database as they are.
RESIDENT_TYPE_WORDS = {
    "户籍": ResidentType.REGISTERED.value,
    "户籍人口": ResidentType.REGISTERED.value,
    "流动": ResidentType.MIGRANT.value,
    "流动人口": ResidentType.MIGRANT.value,
    "租户": ResidentType.TENANT.value,
    "租住": ResidentType.TENANT.value,
}
RELATIONSHIP_WORDS = {
    **dict.fromkeys(("户主", "本人"), Relationship.HEAD.value),
    **dict.fromkeys(("配偶", "妻", "妻子", "夫", "丈夫"), Relationship.SPOUSE.value),
    **dict.fromkeys(("子", "女", "儿子", "女儿", "子女", "长子", "长女", "次子", "次女"), Relationship.CHILD.value),
    **dict.fromkeys(("父亲", "母亲", "父母", "父", "母"), Relationship.PARENT.value),
    **dict.fromkeys(("孙子", "孙女", "外孙", "外孙女", "孙子女"), Relationship.GRANDCHILD.value),
    **dict.fromkeys(("兄", "弟", "姐", "妹", "兄弟", "姐妹", "兄弟姐妹"), Relationship.SIBLING.value),
    **dict.fromkeys(("其他亲属", "亲属", "儿媳", "女婿", "祖父", "祖母"), Relationship.OTHER_RELATIVE.value),
    **dict.fromkeys(("租户", "租客", "借住"), Relationship.TENANT.value),
    **dict.fromkeys(("其他", "非亲属"), Relationship.OTHER.value),
}


@dataclass(slots=True)
class CleanRow:
    """A valid row. `values` holds the person fields the row states (empty cells are left out:
    an import fills and corrects, it never erases); `household` is a household id."""

    number: int
    id_number: IdNumber
    identity: dict[str, object]  # the person's ID columns (identity.id_number_columns), computed once
    values: dict[str, Any]
    tag_ids: tuple[int, ...]

    @property
    def id_index(self) -> str:
        return str(self.identity["id_index"])


def cell_text(cell: object) -> str:
    """A cell as text: spreadsheets store 501 as 501.0."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return clean_text(cell)


def quoted(text: str, limit: int) -> str:
    """A cell value as a report may quote it: shortened, and any long run of digits masked, so
    that an ID or phone number typed into the wrong column never reaches a report in full."""
    return _LONG_NUMBER.sub(lambda match: mask_id_number(match.group()), text[:limit])


def cell_blank(cell: object) -> bool:
    """Cheaper than cleaning the cell first: most cells are either empty or not."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_date(cell: object) -> dt.date | None:
    """A date cell, or text written as a date in the usual ways; None if it is not a date."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if not isinstance(cell, str):
        return None  # a bare number is not a date: its meaning depends on the sheet's format
    text = clean_text(cell).split(" ")[0]  # "1950-03-01 00:00:00" from a CSV saved by Excel
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


class RowCleaner:
    """Cleans the rows of one file against the registry's lookups."""

    def __init__(self, *, columns: ColumnMap, lookups: RegistryLookups) -> None:
        self.columns = columns
        self.lookups = lookups
        # Addresses, categories, genders and relationships repeat from row to row: each
        # spelling is cleaned once per file (a third of the time spent on a row otherwise).
        self._cleaned: dict[object, str] = {}
        self._categories: dict[str, tuple[frozenset[str], tuple[int, ...], tuple[str, ...]]] = {}

    def _repeated_text(self, cell: object) -> str:
        text = self._cleaned.get(cell) if isinstance(cell, str) else None
        if text is None:
            text = cell_text(cell)
            if isinstance(cell, str):
                self._cleaned[cell] = text
        return text

    def clean(self, number: int, cells: list[object]) -> CleanRow | list[Problem]:
        problems: list[Problem] = []
        values: dict[str, Any] = {}

        width = len(cells)
        raw = {field: cells[index] for field, index in self.columns.fields.items() if index < width}

        def cell(field: str) -> object:
            return raw.get(field, "")

        def problem(field: str, code: str, message: str) -> None:
            problems.append(Problem(number, self.columns.header_of(field), code, message))

        id_number = None
        try:
            id_number = parse_id_number(cell("id_number"))
        except IdNumberError as error:
            problem("id_number", error.code, error.message)

        name = cell_text(cell("name"))
        if not name:
            problem("name", "name_missing", _("The name is missing."))
        elif len(name) > NAME_MAX:
            problem("name", "name_too_long", _("The name is longer than %(limit)s characters.") % {"limit": NAME_MAX})
        else:
            values["name"] = name

        gender_text = self._repeated_text(cell("gender")).replace(" ", "").upper()
        if gender_text:
            gender = GENDER_WORDS.get(gender_text)
            if gender is None:
                problem(
                    "gender",
                    "gender_invalid",
                    _("The gender “%(value)s” is not understood (男 or 女).") % {"value": quoted(gender_text, 10)},
                )
            elif id_number is not None and gender != id_number.gender:
                problem("gender", "gender_mismatch", _("The gender does not match the ID number."))

        birth_cell = cell("birth_date")
        if not cell_blank(birth_cell):
            birth = cell_date(birth_cell)
            if birth is None:
                problem(
                    "birth_date",
                    "birth_date_invalid",
                    _("The birth date “%(value)s” is not a valid date.") % {"value": quoted(cell_text(birth_cell), 20)},
                )
            elif id_number is not None and birth != id_number.birth_date:
                problem("birth_date", "birth_date_mismatch", _("The birth date does not match the ID number."))

        if not cell_blank(cell("phone")):
            try:
                values["phone"] = parse_phone(cell("phone"))
            except PhoneError as error:
                # PhoneError's own message quotes the number; reports show it masked.
                shown = mask_phone(compact(cell_text(cell("phone"))))
                problem("phone", error.code, phone_format_message(shown))

        registered_address = self._repeated_text(cell("registered_address"))
        if len(registered_address) > TEXT_MAX:
            problem(
                "registered_address",
                "text_too_long",
                _("The registered address is longer than %(limit)s characters.") % {"limit": TEXT_MAX},
            )
        elif registered_address:
            values["registered_address"] = registered_address
        remarks = cell_text(cell("remarks"))
        if remarks:
            values["remarks"] = remarks

        address = self._repeated_text(cell("address"))
        if address:
            household_id = self.lookups.household_ids.get(self.lookups.address_key_of(address))
            if household_id is None:
                problem(
                    "address",
                    "address_unplaced",
                    _("No household is registered at “%(address)s”: check the address or register the household first.")
                    % {"address": quoted(address, 60)},
                )
            elif not self.lookups.household_allowed(household_id):
                problem(
                    "address", "address_out_of_scope", _("This address is outside the places you are responsible for.")
                )
            else:
                values["household"] = household_id

        relationship_text = self._repeated_text(cell("relationship")).replace(" ", "")
        if relationship_text:
            relationship = RELATIONSHIP_WORDS.get(relationship_text)
            if relationship is None:
                problem(
                    "relationship",
                    "relationship_unknown",
                    _("The relationship to the head “%(value)s” is not understood.")
                    % {"value": quoted(relationship_text, 20)},
                )
            else:
                values["relationship"] = relationship

        tag_ids: tuple[int, ...] = ()
        category = self._repeated_text(cell("category"))
        if category:
            resident_types, tag_ids, unknown = self._category_words(category)
            if unknown:
                problem(
                    "category",
                    "category_unknown",
                    _("The category “%(value)s” is not understood (户籍, 流动人口, 租户 or the name of a group tag).")
                    % {"value": quoted("、".join(unknown), 40)},
                )
            elif len(resident_types) > 1:
                problem(
                    "category",
                    "category_conflict",
                    _("The category names more than one of 户籍, 流动人口 and 租户 (only one may apply)."),
                )
            elif resident_types:
                (values["resident_type"],) = resident_types

        if problems or id_number is None:
            return problems
        return CleanRow(number, id_number, id_number_columns(id_number), values, tag_ids)

    def _category_words(self, text: str) -> tuple[frozenset[str], tuple[int, ...], tuple[str, ...]]:
        known = self._categories.get(text)
        if known is not None:
            return known
        resident_types: set[str] = set()
        tag_ids: set[int] = set()
        unknown: list[str] = []
        for word in filter(None, _CATEGORY_SEPARATORS.split(text)):
            if word in RESIDENT_TYPE_WORDS:
                resident_types.add(RESIDENT_TYPE_WORDS[word])
            elif word in self.lookups.tag_ids:
                tag_ids.add(self.lookups.tag_ids[word])
            else:
                unknown.append(word)
        known = self._categories[text] = (frozenset(resident_types), tuple(sorted(tag_ids)), tuple(unknown))
        return known

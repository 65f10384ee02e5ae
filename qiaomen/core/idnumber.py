"""Chinese resident ID numbers (GB 11643-1999): validation, normalisation, what they encode."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from qiaomen.core.normalize import compact

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_EIGHTEEN = re.compile(r"^\d{17}[\dX]$")
_FIFTEEN = re.compile(r"^\d{15}$")
CHINA_TIME = ZoneInfo("Asia/Shanghai")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


class IdNumberError(ValueError):
    """`code` is machine-readable; `message` is what a person reads."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "M" or "F"

    @property
    def region(self) -> str:
        return self.value[:6]


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def upgrade_fifteen(value: str) -> str:
    """A pre-1999 15-digit number: insert the century (all were born 19xx) and add the check."""
    first17 = value[:6] + "19" + value[6:]
    return first17 + check_char(first17)


def parse_id_number(raw: object, *, today: dt.date | None = None) -> IdNumber:
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        raise IdNumberError(
            "id_number_as_number",
            _("The spreadsheet made the ID number a number and lost its last digit: export the column as text."),
        )
    value = compact(raw).upper()
    if not value:
        raise IdNumberError("id_number_missing", _("The ID number is missing."))
    if _SCIENTIFIC.match(value):
        raise IdNumberError(
            "id_number_as_number",
            _("The ID number “%(value)s” is in scientific notation: export the column as text.") % {"value": value},
        )
    if _FIFTEEN.match(value):
        value = upgrade_fifteen(value)
    if not _EIGHTEEN.match(value):
        raise IdNumberError(
            "id_number_format", _("An ID number has 18 characters (the last may be X), or 15 digits for an old one.")
        )
    if check_char(value[:17]) != value[17]:
        raise IdNumberError("id_number_checksum", _("The ID number's check character is wrong."))
    try:
        birth = birth_date_of(value)
    except ValueError as exc:
        raise IdNumberError("id_number_birth_date", _("The birth date in the ID number does not exist.")) from exc
    today = today or dt.datetime.now(CHINA_TIME).date()
    if birth > today or birth.year < 1880:
        raise IdNumberError("id_number_birth_date", _("The birth date in the ID number is not plausible."))
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def make_id_number(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """A valid number for demo data and tests: sequence 0-99, gender M or F."""
    order = sequence % 100 * 10 + (1 if gender == "M" else 0)
    if (gender == "M" and order % 2 == 0) or (gender == "F" and order % 2 == 1):
        order += 1
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + check_char(first17)


def birth_date_of(value: str) -> dt.date:
    """The birth date inside a stored (valid, 18-character) ID number: the only exact birth date
    the registry keeps, encrypted with the number."""
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

"""Numbers that identify a person, taken out of free text before it is published.

Residents write their phone, their ID number or a relative's into a description ("请打
13800001111 找我女儿"). A published description (GET requests without a key) keeps the words
and loses those numbers: every run of seven or more digits, separators and a trailing X
included, is replaced by a label saying what it was:

- an ID number: 18 characters, 17 digits and a digit or X (GB 11643), or the old 15 digits;
- a phone: what `qiaomen.core.phone.parse_phone` accepts (mobiles 1[3-9] plus nine digits,
  landlines with their area code, +86 and separators as people write them);
- any other number that long (a landline without its area code, a bank card, a QQ number).

A mistyped ID number (wrong check digit) is as personal as a valid one, so the shape decides,
not `core.idnumber.parse_id_number`. Dates written with separators (2026-11-29) stay. Full-width
digits count as digits. E-mail addresses go too. Names and addresses cannot be told apart from
other words reliably and are not touched: descriptions are published only for requests a
client sent through Open311 for that purpose, never for visits, QR pages or staff entry.
"""

from __future__ import annotations

import re

from qiaomen.core.normalize import compact
from qiaomen.core.phone import PhoneError, parse_phone

ID_LABEL = "〔证件号已隐去〕"
PHONE_LABEL = "〔电话已隐去〕"
NUMBER_LABEL = "〔号码已隐去〕"
EMAIL_LABEL = "〔邮箱已隐去〕"
MIN_DIGITS = 7

# A digit, then digits and the separators people put inside numbers (spaces, hyphens and dashes,
# brackets around an area code), ending on a digit or directly on an ID number's X. \d matches
# full-width digits as well. Not across line breaks, and a dot ends a run (31.2001 is a place).
_SEPARATORS = " \t\u3000\\-－–—()（）"
_RUN = re.compile(rf"(?:[+＋][ \t\u3000]?|[(（](?=[0０]))?\d(?:[\d{_SEPARATORS}]*\d)?[XxＸｘ]?")
_DATE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
_ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def _label(digits: str, run: str) -> str:
    """What a long number is: `digits` are its digits (and X), `run` as it was written."""
    if _ID_NUMBER.match(digits):
        return ID_LABEL
    try:
        parse_phone(run)
    except PhoneError:
        return NUMBER_LABEL
    return PHONE_LABEL


def _replace(match: re.Match[str]) -> str:
    run = match.group(0)
    folded = compact(run).upper()
    if _DATE.match(folded):
        return run
    digits = re.sub(r"[^\dX]", "", folded)
    # An X that does not end an ID number is a letter after a number: keep it.
    tail = ""
    if digits.endswith("X") and not _ID_NUMBER.match(digits):
        digits, run, tail = digits[:-1], run[:-1], run[-1]
    if sum(char.isdigit() for char in digits) < MIN_DIGITS:
        return match.group(0)
    return _label(digits, run) + tail


def scrub_personal_numbers(text: str) -> str:
    """`text` with phone numbers, ID numbers, other long numbers and e-mail addresses replaced."""
    return _RUN.sub(_replace, _EMAIL.sub(EMAIL_LABEL, text))

"""Phone numbers: mobiles and fixed lines as residents and departments write them."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from qiaomen.core.normalize import compact

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_SEPARATORS = re.compile(r"[-()（）]")


class PhoneError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_phone(raw: object) -> str:
    """The number in one canonical form (digits only, no +86), or PhoneError."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = _SEPARATORS.sub("", compact(raw))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if value.startswith("86") and len(value) == 13:
        value = value[2:]
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return value
    raise PhoneError("phone_format", phone_format_message(compact(raw)))


def phone_format_message(shown: str) -> str:
    """What a person reads about a number that is no phone number (`shown` as the caller may show it)."""
    return _("The phone number “%(number)s” is not valid (an 11-digit mobile or a landline with its area code).") % {
        "number": shown
    }

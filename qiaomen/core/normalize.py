"""Small pure helpers that clean what people and spreadsheets type."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """NFKC folds full-width digits and letters (１２３ＡＢ → 123AB); outer and repeated spaces go."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


def compact(value: object) -> str:
    """clean_text without any white space at all (for numbers and address keys)."""
    return _SPACES.sub("", clean_text(value))


def spreadsheet_safe(value: object) -> object:
    """Neutralise a cell that a spreadsheet would run as a formula (SECURITY.md line 25).

    A leading apostrophe makes Excel and LibreOffice show the text as typed. Numbers pass
    through untouched; a phone such as +8613800000000 stays readable as text.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

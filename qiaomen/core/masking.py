"""How personal values are shown by default (SECURITY.md line 4)."""

from __future__ import annotations

# Shown of an ID number: the region code and the check character. Nothing of the birth date or
# the sequence number: with the birth year and the gender that a person's row keeps in clear, a
# masked number still stands for about 16,600 real ones (issue 12, hole 1). The former mask
# (region and last four) left only the birth date's digits to guess.
ID_SHOWN_HEAD = 6
ID_SHOWN_TAIL = 1


def mask_id_number(value: str) -> str:
    """110105***********X: region code and check character, never the birth date or sequence."""
    if not value:
        return ""
    if len(value) <= ID_SHOWN_HEAD + ID_SHOWN_TAIL + 4:
        return "*" * len(value)
    hidden = len(value) - ID_SHOWN_HEAD - ID_SHOWN_TAIL
    return value[:ID_SHOWN_HEAD] + "*" * hidden + value[-ID_SHOWN_TAIL:]


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; other numbers keep only their last four."""
    if not value:
        return ""
    if len(value) == 11 and value.startswith("1"):
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_text(value: str) -> str:
    """Free text such as care notes: only whether something is there."""
    return "••••" if value else ""


def mask_name(value: str) -> str:
    """张*明: for views that need to tell people apart without naming them."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]

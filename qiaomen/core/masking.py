"""How personal values are shown by default (SECURITY.md line 4)."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """110105********1234: region code and last four, never the birth date."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


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

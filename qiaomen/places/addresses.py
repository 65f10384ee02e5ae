"""Matching the addresses that departments type to the buildings and rooms we hold.

Departments write the same flat as 和平路12号3栋2单元501室, 和平路１２号３幢２单元５０１ or
幸福街道和平路12号3号楼2-501. `address_key` folds those spellings into one key; the street's own
name (and anything before it, such as the city) is dropped because exports differ in how much
of it they include.
"""

from __future__ import annotations

import re

from qiaomen.core.normalize import compact

_BUILDING_WORDS = re.compile(r"(号楼|幢|座)")
_UNIT_DASH = re.compile(r"(\d+)栋(\d+)-(\d+)$")
_ROOM_SUFFIX = re.compile(r"(室|房|号房)$")
_NOISE = re.compile(r"[，,。.、\s()（）#]")


def address_key(text: object, *, street_names: tuple[str, ...] = ()) -> str:
    key = _NOISE.sub("", compact(text))
    for name in street_names:
        position = key.find(name)
        if position >= 0:
            key = key[position + len(name) :]
    key = _BUILDING_WORDS.sub("栋", key)
    key = _UNIT_DASH.sub(r"\1栋\2单元\3", key)
    key = _ROOM_SUFFIX.sub("", key)
    return key


def room_label(unit: str, room: str) -> str:
    """How a flat is written after its building: 2单元501室, or 501室 without units."""
    return f"{unit}单元{room}室" if unit else f"{room}室"

"""A visit note cut into clauses, the units that splitting.note_split classifies and groups.

Grid workers type a note as one run of text: the demands are joined by punctuation (，。；, or a
space on a phone keyboard) and by connectives (另外, 还有, 再就是, 顺便 …), sometimes with no
punctuation at all ("…培训班顺便问了失业金咋个领"). A cut is made at every run of punctuation and
before every connective; the connective itself is left out of the clause's span, because it
belongs to neither demand. Pure text work, no Django: offsets always point into the note as
typed, so a span shown to the worker is exactly what they wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Not the enumeration comma 、 nor a colon: "楼道、电梯都脏" and "说：…" are one demand.
PAUSE = re.compile(r"[，。；！？,.;!?…~～\n\r\t]+|\s+")
# A connective opens a new demand only where it is not part of a longer word: 还有没有 (is there
# still), 还有点 (a bit), 还有人 is kept (还有人往窗外扔烟头 is a new demand), 另外 only whole.
CONNECTIVE = re.compile(
    r"另外|此外|再就是|再有就是|再有|再一个|顺便|顺带|以及|对了|同时还|还有(?!没有|点|一点|些|多少|几)"
)
# Commas, colons and spaces that may follow a connective (另外，…) before the demand's words.
LEADING = re.compile(r"[\s，,：:、]+")  # matched at a clause's start (match, not search)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int  # exclusive: note[start:end] is the clause
    text: str


def clauses_of(note: str) -> list[Clause]:
    """The note's clauses in order, each a non-empty stretch without pauses or connectives."""
    cuts = [(match.start(), match.end()) for match in PAUSE.finditer(note)]
    cuts += [(match.start(), match.end()) for match in CONNECTIVE.finditer(note)]
    cuts.sort()
    clauses: list[Clause] = []
    position = 0
    for cut_start, cut_end in cuts:
        if cut_start < position:  # a connective inside a pause already passed, or overlapping cuts
            position = max(position, cut_end)
            continue
        _append(clauses, note, position, cut_start)
        position = cut_end
    _append(clauses, note, position, len(note))
    return clauses


def _append(clauses: list[Clause], note: str, start: int, end: int) -> None:
    leading = LEADING.match(note, start, end)
    if leading:
        start = leading.end()
    text = note[start:end].strip()
    if not text:
        return
    start = note.index(text, start)
    clauses.append(Clause(start=start, end=start + len(text), text=text))

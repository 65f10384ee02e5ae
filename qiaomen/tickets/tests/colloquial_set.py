"""The labelled colloquial notes (data/colloquial_notes.jsonl): demands written the way grid
workers and elderly residents speak — dialect words, homophone slips, a denied need beside the
real one, symptom words in a non-emergency request, chit-chat around the request — and real
emergencies. Written for issue 16, apart from the training corpus, and read only by the tests
and bench/classify.py, never by the classifier itself.

Each note's part (dev or test) is fixed by a hash of its text: the classifier is tuned by looking
at dev only; test is the honest figure.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

NOTES_FILE = Path(__file__).resolve().parent / "data" / "colloquial_notes.jsonl"
KINDS = ("negation", "homophone", "dialect", "chitchat", "symptom_non_emergency", "emergency", "plain")
PARTS = ("dev", "test")
ACCURACY_GOAL = 0.95


@dataclass(frozen=True)
class Note:
    text: str
    code: str
    emergency: bool
    kind: str
    part: str


def part_of(text: str) -> str:
    """The fixed rule: the first byte of the SHA-256 of the NFKC-folded text, even → dev."""
    key = unicodedata.normalize("NFKC", text).lower().strip()
    return "dev" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "test"


def load_notes(path: Path = NOTES_FILE) -> list[Note]:
    notes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            notes.append(Note(row["text"], row["code"], bool(row["emergency"]), row["kind"], row["part"]))
    return notes


@dataclass
class Measured:
    """Top-1 and P1 figures over some notes; `misses` holds (note, code given, priority given)."""

    notes: int = 0
    correct: int = 0
    emergencies: int = 0
    emergencies_p1: int = 0
    others: int = 0
    others_p1: int = 0
    misses: list[tuple[Note, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.notes if self.notes else 0.0


def measure(notes: list[Note], classify: Callable[[str], tuple[str, str]]) -> Measured:
    """`classify`: text → (sub-category code, priority), e.g. from classification.suggest."""
    result = Measured()
    for note in notes:
        code, priority = classify(note.text)
        result.notes += 1
        result.correct += code == note.code
        if note.emergency:
            result.emergencies += 1
            result.emergencies_p1 += priority == "P1"
        else:
            result.others += 1
            result.others_p1 += priority == "P1"
        if code != note.code or (priority == "P1") != note.emergency:
            result.misses.append((note, code, priority))
    return result

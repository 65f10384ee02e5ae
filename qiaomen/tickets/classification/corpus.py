"""The training corpus the team wrote (corpus/<CODE>.txt, one demand a line) and its split.

The held-out part is chosen by a stable hash of each line's text, not at random: the same lines
are held out on every machine and every run, and a line keeps its side when others are added.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from qiaomen.tickets.classification.features import normalize
from qiaomen.tickets.classification.model import Example

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
EMERGENCY_FILE = "emergency.txt"
NOT_EMERGENCY_FILE = "not_emergency.txt"
HELD_OUT_BUCKETS = 5  # one bucket of five: 20 % held out


def is_held_out(text: str) -> bool:
    digest = hashlib.sha256(normalize(text).strip().encode()).digest()
    return digest[0] % HELD_OUT_BUCKETS == 0


def _lines(path: Path) -> list[str]:
    stripped = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def corpus_examples(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every sub-category file's lines; the file's name is the code."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.txt")):
        code = path.stem
        if code.upper() != code:  # emergency.txt, not_emergency.txt: checks, not classes
            continue
        examples.extend(Example(code=code, text=text) for text in _lines(path))
    return examples


@dataclass(frozen=True)
class Split:
    train: list[Example]
    held_out: list[Example]


def split(examples: list[Example]) -> Split:
    return Split(
        train=[example for example in examples if not is_held_out(example.text)],
        held_out=[example for example in examples if is_held_out(example.text)],
    )


def labelled_lines(name: str, directory: Path = CORPUS_DIR) -> list[Example]:
    """emergency.txt and not_emergency.txt: `CODE<TAB>text` lines."""
    path = directory / name
    if not path.exists():
        return []
    examples = []
    for line in _lines(path):
        code, _tab, text = line.partition("\t")
        if text.strip():
            examples.append(Example(code=code.strip(), text=text.strip()))
    return examples


def labelled_examples(directory: Path = CORPUS_DIR) -> list[Example]:
    """Everything the team wrote with its code: the sub-category files, the emergencies and the
    near misses (which teach the model that 去年摔过一跤，想装扶手 is about a handrail)."""
    return (
        corpus_examples(directory)
        + labelled_lines(EMERGENCY_FILE, directory)
        + labelled_lines(NOT_EMERGENCY_FILE, directory)
    )

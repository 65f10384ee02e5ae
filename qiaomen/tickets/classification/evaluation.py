"""How good the classifier is, measured the same way by the training command, the tests and the
README: trained on the train part only, asked about the held-out part it never saw.

Accuracy is top-1 of the final decision (decision.decide: the model plus the emergency rules),
per code and overall. Emergencies are measured twice: every EMG-* line of the held-out part and
every line of emergency.txt must raise the alarm (the latter with the model trained on
everything, as in production), and the false alarms on not_emergency.txt and on the held-out
lines of the other codes are counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qiaomen.tickets.classification.corpus import EMERGENCY_FILE, NOT_EMERGENCY_FILE, labelled_lines, split
from qiaomen.tickets.classification.decision import EMERGENCY_CODES, decide
from qiaomen.tickets.classification.lexicon import Lexicon
from qiaomen.tickets.classification.model import Example, TextModel


@dataclass
class Evaluation:
    held_out: Counter[str] = field(default_factory=Counter)  # lines per code
    correct: Counter[str] = field(default_factory=Counter)  # top-1 right per code
    emergency_missed: list[str] = field(default_factory=list)  # EMG held-out or emergency.txt without alarm
    emergency_checked: int = 0
    false_alarms: list[str] = field(default_factory=list)  # not_emergency.txt lines that raised the alarm
    near_misses: int = 0
    other_alarms: int = 0  # held-out lines of non-emergency codes that raised the alarm
    other_lines: int = 0

    @property
    def accuracy(self) -> float:
        total = sum(self.held_out.values())
        return sum(self.correct.values()) / total if total else 0.0

    def code_accuracy(self, code: str) -> float:
        return self.correct[code] / self.held_out[code] if self.held_out[code] else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.near_misses if self.near_misses else 0.0

    def table(self) -> list[str]:
        """The per-code table, in Markdown, for the README."""
        lines = ["| code | held-out lines | top-1 correct | accuracy |", "| --- | ---: | ---: | ---: |"]
        for code in sorted(self.held_out):
            lines.append(f"| {code} | {self.held_out[code]} | {self.correct[code]} | {self.code_accuracy(code):.0%} |")
        total = sum(self.held_out.values())
        lines.append(f"| **all** | {total} | {sum(self.correct.values())} | {self.accuracy:.1%} |")
        return lines


def evaluate(
    examples: list[Example], corrections: list[Example] | None = None, *, lexicon: Lexicon | None = None
) -> Evaluation:
    """`examples`: the labelled corpus (split here by hash); `corrections`: people's decisions,
    always on the training side; `lexicon`: the words per code (the default when None). The
    alarm checks use the corpus files beside the code."""
    parts = split(examples)
    model = TextModel.fit(parts.train + list(corrections or []), lexicon=lexicon)
    result = Evaluation()
    for example in parts.held_out:
        decision = decide(model, example.text)
        result.held_out[example.code] += 1
        result.correct[example.code] += decision.code == example.code
        if example.code in EMERGENCY_CODES:
            result.emergency_checked += 1
            if not decision.emergency:
                result.emergency_missed.append(example.text)
        else:
            result.other_lines += 1
            result.other_alarms += bool(decision.emergency)
    production = TextModel.fit(examples + list(corrections or []), lexicon=lexicon)
    for example in labelled_lines(EMERGENCY_FILE):
        result.emergency_checked += 1
        if not decide(production, example.text).emergency:
            result.emergency_missed.append(example.text)
    for example in labelled_lines(NOT_EMERGENCY_FILE):
        result.near_misses += 1
        if decide(model, example.text).emergency:
            result.false_alarms.append(example.text)
    return result

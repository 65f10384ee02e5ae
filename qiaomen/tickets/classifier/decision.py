"""From a model's scores and the lexicon to one decision: the sub-category, the confidence, the
reasons, and whether it is an emergency. Pure (no database): the evaluation and the command
line use it as it is; classifier.suggest adds the installation's departments and priorities."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from qiaomen.tickets.classifier.emergency import emergency_signals
from qiaomen.tickets.classifier.model import TextModel

EMERGENCY_CODES = ("EMG-HEALTH", "EMG-SAFE")
# The model's total belief in the two emergency sub-categories above which a text is treated as
# an emergency even without a lexicon word: low, because a missed emergency is the worst error.
# Set from the held-out part and emergency.txt (train_classifier --report prints both rates).
EMERGENCY_PROBABILITY = 0.25


@dataclass(frozen=True)
class Decision:
    code: str
    confidence: float
    words: list[str]
    emergency: list[str]  # the resident's words that raised the alarm; empty if none
    ranked: list[tuple[str, float]]


def decide(model: TextModel, text: str, allowed: Collection[str] | None = None) -> Decision:
    """`allowed`: the codes that may be suggested (the active sub-categories); all if None."""
    scored = model.score(text)
    ranked = [(code, p) for code, p in scored.ranked if allowed is None or code in allowed]
    if not ranked:
        raise LookupError("the model knows none of the allowed sub-categories")
    probabilities = dict(ranked)
    code = ranked[0][0]
    words = scored.words
    signals = emergency_signals(text)
    alarm = [signal.words for signal in signals]
    emergency_mass = sum(probabilities.get(emergency, 0.0) for emergency in EMERGENCY_CODES)
    if not alarm and emergency_mass >= EMERGENCY_PROBABILITY:
        best = max(EMERGENCY_CODES, key=lambda emergency: probabilities.get(emergency, 0.0))
        alarm = model.reasons(text, best, limit=3)
        if code not in EMERGENCY_CODES and best in probabilities:
            code = best
    elif signals and code not in EMERGENCY_CODES and signals[0].kind in probabilities:
        # An emergency goes to the department that acts at once, whatever else the text is about.
        code = signals[0].kind
    if code != ranked[0][0]:
        words = model.reasons(text, code)
    return Decision(code=code, confidence=probabilities[code], words=words, emergency=alarm, ranked=ranked)

"""From a model's scores and the lexicon to one decision: the sub-category, the confidence, the
reasons, and whether it is an emergency. Pure (no database): the evaluation and the command
line use it as it is; classifier.suggest adds the installation's departments and priorities."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from qiaomen.tickets.classification.emergency import Signal, emergency_signals
from qiaomen.tickets.classification.model import TextModel

EMERGENCY_CODES = ("EMG-HEALTH", "EMG-SAFE")
# The model's total belief in the two emergency sub-categories above which a text is treated as
# an emergency even without a lexicon word: low, because a missed emergency is the worst error.
# Set from the held-out part and emergency.txt (train_classifier --report prints both rates).
EMERGENCY_PROBABILITY = 0.25
# The model alone raises the alarm (P1, the grid worker told at once) only from this total up and
# only for a text that says something: without a lexicon word, "你好", "谢谢你们" or "下次再细说"
# reach 0.3–0.47 (emergency lines often end with thanks), which would send a grid worker running.
# Every real emergency that only the model caught (held-out and emergency.txt, model trained on
# the train part) had at least 0.48 and 17 characters. Below this the sub-category may still
# become an EMG one, and a person sees it before anyone is alerted (intake holds it for review
# unless the model is confident).
MODEL_ALARM_PROBABILITY = 0.4
MODEL_ALARM_MIN_CHARACTERS = 6
COURTESIES = re.compile("你好|您好|谢谢|多谢|请问|麻烦|辛苦|在吗|不好意思")
# The alarm (P1, the grid worker told at once) and the sub-category are two decisions. A text the
# model is sure is not an emergency keeps the model's sub-category though a lexicon word raised the
# alarm (墙皮在往下掉 is a repair, raised to P1 all the same); a model-only alarm makes the text an
# EMG-* one only from this total up. Both chosen by 5-fold cross-validation on the train part
# (lexicon 0 / 0.02 / 0.05 / 0.1 / 0.2, model 0.25 / 0.35 / 0.5): +1 point of top-1, no alarm lost.
LEXICON_SWITCH_PROBABILITY = 0.05
MODEL_SWITCH_PROBABILITY = 0.35
# What staff read when the model alone raised the alarm (no lexicon word): the sub-category it
# chose, by the installation's name when the caller passes the names (classifier.suggest does),
# never the n-grams behind the score ("倒", "了") which say nothing to a person.
DEFAULT_NAMES = {"EMG-HEALTH": "突发疾病与意外", "EMG-SAFE": "安全隐患"}
MODEL_ALARM = "分类为{name}"  # the text was made that sub-category
MODEL_SUSPICION = "疑似{name}"  # the alarm stands, the model's own sub-category is kept
# A lexicon match longer than this, or spanning a pause (老人……好几天……没开门), is shown by its
# pattern's name (独居多日无应答) rather than as half a sentence.
SIGNAL_WORDS_MAX = 6


@dataclass(frozen=True)
class Decision:
    code: str
    confidence: float
    words: list[str]
    # The alarm, for staff: the resident's words that the emergency lexicon matched, or, when the
    # model alone raised it, one readable reason (分类为突发疾病与意外); empty if no alarm.
    emergency: list[str]
    ranked: list[tuple[str, float]]


def decide(
    model: TextModel, text: str, allowed: Collection[str] | None = None, names: Mapping[str, str] | None = None
) -> Decision:
    """`allowed`: the codes that may be suggested (the active sub-categories); all if None.
    `names`: the sub-categories' names by code, for a model-only alarm's reason."""
    scored = model.score(text)
    ranked = [(code, p) for code, p in scored.ranked if allowed is None or code in allowed]
    if not ranked:
        raise LookupError("the model knows none of the allowed sub-categories")
    probabilities = dict(ranked)
    code = ranked[0][0]
    words = scored.words
    signals = emergency_signals(text)
    alarm = list(dict.fromkeys(_label(signal) for signal in signals))
    emergency_mass = sum(probabilities.get(emergency, 0.0) for emergency in EMERGENCY_CODES)
    if not alarm and emergency_mass >= EMERGENCY_PROBABILITY:
        best = max(EMERGENCY_CODES, key=lambda emergency: probabilities.get(emergency, 0.0))
        name = (names or {}).get(best) or DEFAULT_NAMES.get(best, best)
        if code not in EMERGENCY_CODES and best in probabilities and emergency_mass >= MODEL_SWITCH_PROBABILITY:
            code = best
        if emergency_mass >= MODEL_ALARM_PROBABILITY and _says_something(text):
            alarm = [(MODEL_ALARM if code == best else MODEL_SUSPICION).format(name=name)]
    elif signals:
        # An emergency goes to the department that acts at once, whatever else the text is about,
        # and the lexicon knows which kind it is (被困, 着火: safety, even when the model leans to
        # health); among the signals' kinds, the one the model believes in most. Chosen by 5-fold
        # cross-validation on the train part against "the first signal's kind, only when the
        # model's code is not an emergency": +0.6 point.
        kinds = [signal.kind for signal in signals if signal.kind in probabilities]
        believed = code in EMERGENCY_CODES or emergency_mass >= LEXICON_SWITCH_PROBABILITY
        if kinds and code not in kinds and believed:
            code = max(kinds, key=lambda kind: probabilities[kind])
    if code != ranked[0][0]:
        words = model.reasons(text, code)
    return Decision(code=code, confidence=probabilities[code], words=words, emergency=alarm, ranked=ranked)


def _says_something(text: str) -> bool:
    """Enough Chinese characters besides greetings and thanks for a model-only alarm."""
    return len(re.findall(r"[\u4e00-\u9fff]", COURTESIES.sub("", text))) >= MODEL_ALARM_MIN_CHARACTERS


def _label(signal: Signal) -> str:
    """What staff read for a lexicon signal: the resident's own words (摔倒了, 煤气味), or the
    pattern's name when the match is long or runs across a pause."""
    words = signal.words.strip()
    if not words or len(words) > SIGNAL_WORDS_MAX or re.search(r"[^\w]", words):
        return signal.name
    return words

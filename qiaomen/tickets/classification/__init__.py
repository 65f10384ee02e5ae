"""Understanding a resident's free text: which sub-category, how urgent, which department.

`suggest(text)` combines the trained model (store.current_model: sub-category and confidence,
the words that weighed most) with the emergency lexicon (emergency.py) and the installation's
own taxonomy table: the department and default priority come from Subcategory, so a street that
re-routes a sub-category is obeyed, and a retired sub-category is never suggested.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from qiaomen.tickets.classification.decision import EMERGENCY_CODES, decide
from qiaomen.tickets.classification.store import current_model

if TYPE_CHECKING:
    from qiaomen.tickets.models import Subcategory

__all__ = ["EMERGENCY_CODES", "Suggestion", "active_taxonomy", "priority_for", "ranked_codes", "suggest"]

# Words that ask for speed: a P3 demand becomes P2, never P1 (only an emergency is P1).
URGENT = re.compile(r"急|马上|立刻|立即|赶紧|赶快|尽快|今天|今晚|等不了|快点|火速|越快越好")


@dataclass(frozen=True)
class Suggestion:
    code: str
    priority: str
    department: str  # the department's code
    confidence: float
    words: list[str]
    # The alarm for staff: the resident's words the emergency lexicon matched, or a model-only
    # alarm's reason (分类为突发疾病与意外); empty if none.
    emergency: list[str]
    model_version: str
    # The next best sub-categories with their probabilities, for a person who corrects.
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    @property
    def is_emergency(self) -> bool:
        return bool(self.emergency)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 4)
        data["alternatives"] = [[code, round(probability, 4)] for code, probability in self.alternatives]
        return data


def priority_for(*, default: str, text: str, emergency: bool) -> str:
    if emergency:
        return "P1"
    if default == "P3" and URGENT.search(text):
        return "P2"
    return default


def active_taxonomy() -> dict[str, Subcategory]:
    """The sub-categories that may be suggested, with their departments, by code."""
    # Imported here: the taxonomy is a Django model; the model and the lexicon work without Django.
    from qiaomen.tickets.selectors import active_subcategories

    return {sub.code: sub for sub in active_subcategories()}


def suggest(text: str, *, taxonomy: dict[str, Subcategory] | None = None) -> Suggestion:
    """`taxonomy`: active_taxonomy(), read once by a caller that classifies many texts."""
    subcategories = taxonomy if taxonomy is not None else active_taxonomy()
    if not subcategories:
        raise LookupError("no active sub-categories to suggest from")
    model = current_model()
    names = {code: subcategory.name for code, subcategory in subcategories.items()}
    decision = decide(model, text, allowed=subcategories, names=names)
    subcategory = subcategories[decision.code]
    return Suggestion(
        code=decision.code,
        priority=priority_for(default=subcategory.default_priority, text=text, emergency=bool(decision.emergency)),
        department=subcategory.department.code,
        confidence=decision.confidence,
        words=decision.words,
        emergency=decision.emergency,
        model_version=model.version,
        alternatives=[pair for pair in decision.ranked if pair[0] != decision.code][:3],
    )


def ranked_codes(text: str, limit: int = 3) -> list[str]:
    """The best `limit` sub-category codes for a text, for pages that offer a choice."""
    suggestion = suggest(text)
    return [suggestion.code, *(code for code, _probability in suggestion.alternatives)][:limit]

"""Erasing what visits wrote about a household when a resident's deletion request is carried out.

A visit belongs to a household, not to one member, and its notes and written answers cannot be
split by person: a deletion request of a member blanks the free text of every visit to their
household (notes, written answers, the reason for a refusal, the demands raised). What counts
stays: the visit itself, its time, type, outcome and its yes/no, number and choice answers, so
coverage and visit counts are the same before and after.
"""

from __future__ import annotations

from typing import Any

from qiaomen.registry.models import Household
from qiaomen.visits.models import Demand, Visit


def _answers_without_text(answers: dict[str, Any], questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Written answers blanked; a choice is one of the type's own options, not the resident's words."""
    kinds = {question.get("code"): question.get("type") for question in questions}
    return {
        code: "" if isinstance(value, str) and kinds.get(code) != "choice" else value for code, value in answers.items()
    }


def household_visits_erase(*, household: Household) -> int:
    """Blank the free text of the household's visits and demands; returns the visits changed.

    Runs inside the caller's transaction (the erasure of a person is one transaction).
    """
    changed = 0
    for visit in Visit.objects.filter(household=household).select_related("visit_type"):
        questions = visit.visit_type.questions if visit.visit_type is not None else []
        answers = _answers_without_text(visit.answers, questions)
        if (visit.notes, visit.refused_reason, visit.answers) == ("", "", answers):
            continue
        visit.notes, visit.refused_reason, visit.answers = "", "", answers
        visit.save(update_fields=["notes", "refused_reason", "answers"])
        changed += 1
    Demand.objects.filter(household=household).exclude(text="").update(text="")
    return changed

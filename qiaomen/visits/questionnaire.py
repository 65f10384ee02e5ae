"""Answers checked against a visit type's questions, on the server, whatever the phone did."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from qiaomen.core.errors import InvalidInput

ANSWER_TYPES = ("text", "number", "boolean", "choice")
MAX_TEXT = 1000


def _clean_answer(question: dict[str, Any], value: Any) -> Any:
    kind = question.get("type")
    label = question.get("label", question["code"])
    if kind == "text":
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidInput(
                "answer_invalid",
                _("“%(label)s” must be text of at most %(limit)s characters.") % {"label": label, "limit": MAX_TEXT},
                question=question["code"],
            )
        return value.strip()
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(
                "answer_invalid", _("“%(label)s” must be a number.") % {"label": label}, question=question["code"]
            )
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidInput(
                "answer_invalid", _("“%(label)s” must be yes or no.") % {"label": label}, question=question["code"]
            )
        return value
    if kind == "choice":
        if value not in question.get("choices", []):
            raise InvalidInput(
                "answer_invalid",
                _("The answer to “%(label)s” is not one of the options.") % {"label": label},
                question=question["code"],
            )
        return value
    raise InvalidInput(
        "question_type_unknown",
        _("The question “%(label)s” has an invalid type.") % {"label": label},
        question=question["code"],
    )


def clean_answers(questions: list[dict[str, Any]], answers: dict[str, Any], *, require: bool) -> dict[str, Any]:
    """Known questions only, typed as declared; required ones must be there when `require`
    (a visit that met nobody has nobody to answer)."""
    known = {question["code"]: question for question in questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise InvalidInput(
            "answer_unknown_question",
            _("The questionnaire has no such questions: %(codes)s") % {"codes": "、".join(unknown)},
        )
    cleaned: dict[str, Any] = {}
    for code, question in known.items():
        value = answers.get(code)
        if value is None or value == "":
            if require and question.get("required"):
                raise InvalidInput(
                    "answer_required",
                    _("Please answer “%(label)s”.") % {"label": question.get("label", code)},
                    question=code,
                )
            continue
        cleaned[code] = _clean_answer(question, value)
    return cleaned

"""Answers checked against a visit type's questions, on the server, whatever the phone did."""

from __future__ import annotations

from typing import Any

from qiaomen.core.errors import InvalidInput

ANSWER_TYPES = ("text", "number", "boolean", "choice")
MAX_TEXT = 1000


def _clean_answer(question: dict[str, Any], value: Any) -> Any:
    kind = question.get("type")
    label = question.get("label", question["code"])
    if kind == "text":
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidInput("answer_invalid", f"“{label}”应为不超过{MAX_TEXT}字的文字", question=question["code"])
        return value.strip()
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput("answer_invalid", f"“{label}”应为数字", question=question["code"])
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidInput("answer_invalid", f"“{label}”应为“是”或“否”", question=question["code"])
        return value
    if kind == "choice":
        if value not in question.get("choices", []):
            raise InvalidInput("answer_invalid", f"“{label}”的回答不在选项中", question=question["code"])
        return value
    raise InvalidInput("question_type_unknown", f"问卷题目“{label}”的类型无效", question=question["code"])


def clean_answers(questions: list[dict[str, Any]], answers: dict[str, Any], *, require: bool) -> dict[str, Any]:
    """Known questions only, typed as declared; required ones must be there when `require`
    (a visit that met nobody has nobody to answer)."""
    known = {question["code"]: question for question in questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise InvalidInput("answer_unknown_question", f"问卷中没有这些题目：{'、'.join(unknown)}")
    cleaned: dict[str, Any] = {}
    for code, question in known.items():
        value = answers.get(code)
        if value is None or value == "":
            if require and question.get("required"):
                raise InvalidInput("answer_required", f"请回答“{question.get('label', code)}”", question=code)
            continue
        cleaned[code] = _clean_answer(question, value)
    return cleaned

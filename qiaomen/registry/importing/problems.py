"""What is wrong with a file or a row, said so that a person can find and fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

HEADER_ROW_COLUMN = ""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: `row` as the spreadsheet shows it (the header is row 1), the column header as
    written in the file, a machine-readable `code` and a Chinese `message`.

    Messages never hold a full ID number or phone: a report is stored and shown to others."""

    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_line(self) -> str:
        where = f"第{self.row}行" + (f"【{self.column}】" if self.column else "")
        return f"{where} {self.code}: {self.message}"


def reasons_by_row(problems: list[Problem]) -> dict[int, str]:
    """The text of the 错误原因 column: every problem of a row, in column order."""
    reasons: dict[int, list[str]] = {}
    for problem in sorted(problems):
        text = f"{problem.column}：{problem.message}" if problem.column else problem.message
        reasons.setdefault(problem.row, []).append(text)
    return {row: "；".join(texts) for row, texts in reasons.items()}

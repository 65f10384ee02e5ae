"""Which column of a department file holds which field.

Departments export the same field under different headers (身份证号, 公民身份号码, 证件号码 …).
The known variants are listed here; headers that an admin mapped once are remembered in
`HeaderAlias`; a mapping given for one import (command `--map`, the web page's select boxes)
wins over both. Unknown headers are reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qiaomen.core.normalize import compact
from qiaomen.registry.importing.problems import HEADER_ROW_COLUMN, Problem

# A mapping to IGNORE silences an unknown header (序号, 所属网格 …) without importing it.
IGNORE = "ignore"
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in exports


@dataclass(frozen=True)
class ImportField:
    code: str
    label: Promise
    headers: tuple[str, ...]  # the first one is how reports name the field

    @property
    def header(self) -> str:
        return self.headers[0]


FIELDS: dict[str, ImportField] = {
    field.code: field
    for field in (
        ImportField("name", _("Name"), ("姓名", "名字")),
        ImportField("id_number", _("ID number"), ("身份证号", "身份证号码", "公民身份号码", "证件号码")),
        ImportField("phone", _("Phone"), ("联系电话", "手机号", "手机号码", "电话")),
        ImportField("gender", _("Gender"), ("性别",)),
        ImportField("birth_date", _("Birth date"), ("出生日期",)),
        ImportField("registered_address", _("Registered residence"), ("户籍地址", "户籍地")),
        ImportField("address", _("Current address"), ("现住址", "居住地址", "实际居住地址")),
        ImportField("category", _("Category (resident type or group)"), ("人员类别", "人员类型")),
        ImportField("remarks", _("Remarks"), ("备注",)),
        ImportField("relationship", _("Relationship to head"), ("与户主关系",)),
    )
}
REQUIRED_FIELDS = ("name", "id_number")
_KNOWN_HEADERS = {header: field.code for field in FIELDS.values() for header in field.headers}


def header_normal(text: object) -> str:
    """How a header is compared: no spaces, full-width folded, no required-field marker."""
    return compact(text).strip("*＊:：")


def mapping_target_valid(target: str) -> bool:
    return target == IGNORE or target in FIELDS


@dataclass(frozen=True)
class ColumnMap:
    """Where each field is in the file. `headers` are the header cells as written."""

    header_row: int
    headers: tuple[str, ...]
    fields: dict[str, int]
    unknown: tuple[str, ...]
    problems: tuple[Problem, ...]

    def header_of(self, field: str) -> str:
        return self.headers[self.fields[field]]


def _field_for(header: str, explicit: Mapping[str, str], remembered: Mapping[str, str]) -> str | None:
    return explicit.get(header) or _KNOWN_HEADERS.get(header) or remembered.get(header)


def header_row_find(
    rows: Sequence[tuple[int, list[object]]], *, explicit: Mapping[str, str], remembered: Mapping[str, str]
) -> int:
    """Index in `rows` of the header: the first row naming two known fields, else the first
    non-empty row (whose missing columns are then reported)."""
    first_filled = None
    for index, (_number, cells) in enumerate(rows):
        names = [header_normal(cell) for cell in cells]
        if not any(names):
            continue
        first_filled = index if first_filled is None else first_filled
        if sum(1 for name in names if name and _field_for(name, explicit, remembered)) >= 2:
            return index
    return first_filled if first_filled is not None else 0


def columns_map(
    header_row: int, cells: Sequence[object], *, explicit: Mapping[str, str], remembered: Mapping[str, str]
) -> ColumnMap:
    headers = tuple(str(cell).strip() for cell in cells)
    explicit = {header_normal(key): value for key, value in explicit.items()}
    fields: dict[str, int] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for index, header in enumerate(headers):
        name = header_normal(header)
        if not name:
            continue
        field = _field_for(name, explicit, remembered)
        if field is None:
            unknown.append(header)
        elif field == IGNORE:
            continue
        elif field in fields:
            problems.append(
                Problem(
                    header_row,
                    header,
                    "column_duplicate",
                    gettext("The columns “%(one)s” and “%(other)s” are both %(field)s: keep only one.")
                    % {"one": header, "other": headers[fields[field]], "field": FIELDS[field].header},
                )
            )
        else:
            fields[field] = index
    for field in REQUIRED_FIELDS:
        if field not in fields:
            variants = "、".join(FIELDS[field].headers)
            problems.append(
                Problem(
                    header_row,
                    HEADER_ROW_COLUMN,
                    "column_missing",
                    gettext("The column “%(field)s” is missing (headed %(variants)s), or map another column to it.")
                    % {"field": FIELDS[field].header, "variants": variants},
                )
            )
    return ColumnMap(header_row, headers, fields, tuple(unknown), tuple(problems))

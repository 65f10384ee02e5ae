"""Row checks: what is folded quietly, what is refused, and how each problem is named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qiaomen.registry.importing.services import ImportPlan, import_plan
from qiaomen.registry.models import DataSource, ResidentType
from qiaomen.registry.tests.import_files import address_of, csv_write, new_id_number, xlsx_write
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "现住址", "人员类别"]


def _plan(path: Path) -> ImportPlan:
    return import_plan(path=path, source=DataSource.objects.get(code="police"))


def _problems(plan: ImportPlan) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.code) for problem in plan.problems]


def test_full_width_digits_spaces_and_a_lowercase_x_are_folded(small_street: SmallStreet, tmp_path: Path):
    number = new_id_number(dt.date(1971, 2, 3), "F")
    while not number.endswith("X"):
        number = new_id_number(dt.date(1971, 2, 3), "F")
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x  "
    path = csv_write(
        tmp_path / "a.csv",
        [
            HEADER,
            [
                " 赵 小红 ",
                typed,
                "女",
                "1971-2-3",
                "１３７ ００００ １２３４",
                address_of(small_street.household_a),
                "",
            ],
        ],
    )

    plan = _plan(path)

    assert plan.problems == []
    row = plan.rows[0]
    assert row.id_number.value == number
    assert (row.values["name"], row.values["phone"]) == ("赵 小红", "13700001234")


def test_a_fifteen_digit_number_is_upgraded(small_street: SmallStreet, tmp_path: Path):
    old = new_id_number(dt.date(1950, 3, 1))
    fifteen = old[:6] + old[8:17]
    path = csv_write(
        tmp_path / "a.csv", [HEADER, ["赵大海", fifteen, "", "", "", address_of(small_street.household_a), ""]]
    )

    plan = _plan(path)

    assert plan.rows[0].id_number.birth_date == dt.date(1950, 3, 1)
    assert len(plan.rows[0].id_number.value) == 18


def test_an_id_number_a_spreadsheet_turned_into_a_number_is_refused(small_street: SmallStreet, tmp_path: Path):
    address = address_of(small_street.household_a)
    path = xlsx_write(
        tmp_path / "a.xlsx",
        [
            HEADER,
            ["赵大海", int(new_id_number()[:17] + "1"), "", "", "", address, ""],
            ["钱小红", "1.10105E+17", "", "", "", address, ""],
        ],
    )

    plan = _plan(path)

    assert _problems(plan) == [(2, "身份证号", "id_number_as_number"), (3, "身份证号", "id_number_as_number")]
    assert plan.rows == []


def test_security_27_gender_and_birth_date_must_match_the_id_number(small_street: SmallStreet, tmp_path: Path):
    number = new_id_number(dt.date(1960, 5, 4), "M")
    address = address_of(small_street.household_a)
    path = xlsx_write(
        tmp_path / "a.xlsx",
        [
            HEADER,
            ["赵大海", number, "男", dt.date(1960, 5, 4), "", address, ""],
            ["钱小红", new_id_number(dt.date(1960, 5, 4), "M"), "女", "1960/05/05", "", address, ""],
            ["孙一", new_id_number(), "", "去年春天", "", address, ""],
        ],
    )

    assert _problems(_plan(path)) == [
        (3, "出生日期", "birth_date_mismatch"),
        (3, "性别", "gender_mismatch"),
        (4, "出生日期", "birth_date_invalid"),
    ]


def test_a_bad_phone_is_reported_masked(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv",
        [HEADER, ["赵大海", new_id_number(), "", "", "1380000111", address_of(small_street.household_a), ""]],
    )

    (problem,) = _plan(path).problems

    assert (problem.code, problem.column) == ("phone_format", "联系电话")
    assert "1380000111" not in problem.message


def test_category_sets_the_resident_type_and_tags(small_street: SmallStreet, tmp_path: Path):
    address = address_of(small_street.household_a)
    path = csv_write(
        tmp_path / "a.csv",
        [
            HEADER,
            ["赵大海", new_id_number(), "", "", "", address, "租住/独居老人，低保户"],
            ["钱小红", new_id_number(), "", "", "", address, "户籍、流动人口"],
            ["孙一", new_id_number(), "", "", "", address, "特困"],
        ],
    )

    plan = _plan(path)

    assert plan.rows[0].values["resident_type"] == ResidentType.TENANT
    assert len(plan.rows[0].tag_ids) == 2
    assert _problems(plan) == [(3, "人员类别", "category_conflict"), (4, "人员类别", "category_unknown")]


def test_an_address_that_cannot_be_placed_is_refused(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", "", "", "和平路999号9栋", ""]])

    assert _problems(_plan(path)) == [(2, "现住址", "address_unplaced")]


def test_an_address_is_placed_however_it_is_spelled(small_street: SmallStreet, tmp_path: Path):
    building = small_street.building_a.address  # 和平路N号1栋
    spelled = "示例市幸福街道" + building.replace("栋", "号楼").replace("1", "１") + "1-101"
    path = csv_write(tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", "", "", spelled, ""]])

    plan = _plan(path)

    assert plan.problems == []
    assert plan.rows[0].values["household"] == small_street.household_a.pk


def test_the_same_id_number_twice_names_both_rows(small_street: SmallStreet, tmp_path: Path):
    number = new_id_number()
    address = address_of(small_street.household_a)
    path = csv_write(
        tmp_path / "a.csv",
        [HEADER, ["赵大海", number, "", "", "", address, ""], ["赵大海", number.lower(), "", "", "", address, ""]],
    )

    plan = _plan(path)

    assert _problems(plan) == [(2, "身份证号", "id_number_duplicate"), (3, "身份证号", "id_number_duplicate")]
    assert "第2、3行" in plan.problems[0].message
    assert plan.rows == []


def test_a_number_in_the_wrong_column_is_never_quoted_in_full(small_street: SmallStreet, tmp_path: Path):
    number = new_id_number()
    path = csv_write(
        tmp_path / "a.csv",
        [HEADER, ["赵大海", new_id_number(), "", number, "", address_of(small_street.household_a), ""]],
    )

    (problem,) = _plan(path).problems

    assert problem.code == "birth_date_invalid"
    assert number not in problem.message and number[:6] + "*" * 11 + number[-1] in problem.message

"""Reading department files: by content, in their encodings, with their header variants."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from qiaomen.registry.importing.files import FileKind, FileRefused, file_check
from qiaomen.registry.importing.services import import_plan
from qiaomen.registry.models import DataSource, HeaderAlias
from qiaomen.registry.tests.import_files import HEADER, address_of, csv_write, new_id_number, xlsx_write
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


def _plan(path: Path, **options: object):  # type: ignore[no-untyped-def]
    return import_plan(path=path, source=DataSource.objects.get(code="police"), **options)  # type: ignore[arg-type]


def test_security_26_a_renamed_executable_is_refused(tmp_path: Path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64)

    with pytest.raises(FileRefused) as refused:
        file_check(path)

    assert refused.value.code == "file_type_refused"


def test_a_zip_that_is_not_a_spreadsheet_is_refused(tmp_path: Path):
    path = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("payload.bin", b"x" * 100)

    with pytest.raises(FileRefused) as refused:
        file_check(path)

    assert refused.value.code == "file_type_refused"


def test_security_26_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 2_000_000)

    with override_settings(XLSX_MAX_UNPACKED_BYTES=1_000_000), pytest.raises(FileRefused) as refused:
        file_check(path)

    assert refused.value.code == "file_unpacked_too_large"


def test_security_26_a_file_over_the_size_limit_is_refused(tmp_path: Path):
    path = csv_write(tmp_path / "a.csv", [HEADER] * 100)

    with override_settings(UPLOAD_MAX_BYTES=100), pytest.raises(FileRefused) as refused:
        file_check(path)

    assert refused.value.code == "file_too_large"


def test_spreadsheets_are_recognised_by_content_not_by_name(tmp_path: Path):
    xlsx = xlsx_write(tmp_path / "export.csv", [HEADER])  # an xlsx misnamed .csv
    text = csv_write(tmp_path / "export.xlsx", [HEADER])

    assert (file_check(xlsx), file_check(text)) == (FileKind.XLSX, FileKind.CSV)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_the_encodings_departments_use(small_street: SmallStreet, tmp_path: Path, encoding: str):
    path = csv_write(
        tmp_path / "a.csv",
        [HEADER, ["赵大海", new_id_number(), "13700001234", address_of(small_street.household_a), "低保户"]],
        encoding=encoding,
    )

    plan = _plan(path)

    assert plan.problems == []
    assert plan.rows[0].values["name"] == "赵大海"


@pytest.mark.parametrize(
    "header",
    [
        ["姓名", "身份证号", "联系电话", "现住址"],
        ["名字", "身份证号码", "手机号", "居住地址"],
        ["姓名", "公民身份号码", "手机号码", "实际居住地址"],
        ["姓名 ", "证件号码*", "电话", "现住址"],
    ],
)
def test_header_variants(small_street: SmallStreet, tmp_path: Path, header: list[str]):
    path = csv_write(
        tmp_path / "a.csv", [header, ["赵大海", new_id_number(), "13700001234", address_of(small_street.household_a)]]
    )

    plan = _plan(path)

    assert plan.problems == []
    assert set(plan.columns.fields) == {"name", "id_number", "phone", "address"}


def test_a_title_row_above_the_header_is_skipped(small_street: SmallStreet, tmp_path: Path):
    path = xlsx_write(
        tmp_path / "a.xlsx",
        [
            ["幸福街道低保人员名单（2026年3月）"],
            [],
            HEADER,
            ["赵大海", new_id_number(), "", address_of(small_street.household_a), ""],
        ],
    )

    plan = _plan(path)

    assert plan.columns.header_row == 3
    assert [row.number for row in plan.rows] == [4]


def test_unknown_headers_are_reported_and_can_be_mapped(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv",
        [["姓名", "身份证", "序号"], ["赵大海", new_id_number(), "1"]],
    )

    unmapped = _plan(path)
    mapped = _plan(path, mapping={"身份证": "id_number", "序号": "ignore"})

    assert unmapped.columns.unknown == ("身份证", "序号")
    assert [problem.code for problem in unmapped.problems] == ["column_missing"]
    assert mapped.columns.unknown == () and mapped.columns.fields["id_number"] == 1


def test_a_remembered_mapping_applies_to_the_next_file(small_street: SmallStreet, tmp_path: Path):
    HeaderAlias.objects.create(header="身份证", field="id_number")
    path = csv_write(tmp_path / "a.csv", [["姓名", "身份证"], ["赵大海", new_id_number()]])

    assert _plan(path).columns.fields == {"name": 0, "id_number": 1}


def test_two_columns_for_one_field_are_refused(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv", [["姓名", "身份证号", "证件号码"], ["赵大海", new_id_number(), new_id_number()]]
    )

    assert [problem.code for problem in _plan(path).problems] == ["column_duplicate"]

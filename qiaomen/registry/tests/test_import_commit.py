"""import_commit: merge by ID number, all or nothing, conflicts kept, the same file only once."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qiaomen.core.models import AuditEntry
from qiaomen.registry.importing.services import import_commit, import_plan
from qiaomen.registry.models import (
    ConflictStatus,
    DataSource,
    FieldConflict,
    ImportStatus,
    Person,
    PersonTag,
    RecordChange,
    ResidentType,
)
from qiaomen.registry.tests.import_files import (
    HEADER,
    address_of,
    csv_write,
    import_file,
    new_id_number,
    phone_given_twice,
    registry_snapshot,
    wrong_check_digit,
    xlsx_write,
)
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db


def code_of(source: DataSource | None) -> str | None:
    """The code of a source a row may lack (verification, tag and change sources are nullable)."""
    return source.code if source is not None else None


def test_a_new_person_is_created_with_source_household_tags_and_verification(small_street: SmallStreet, tmp_path: Path):
    number = new_id_number()
    path = csv_write(
        tmp_path / "police.csv",
        [
            [*HEADER, "户籍地址"],
            [
                "赵大海",
                number,
                "13700001234",
                address_of(small_street.household_a),
                "流动人口、低保户",
                "河南省郑州市中原路1号",
            ],
        ],
    )

    result = import_file(path, "police")

    assert result.status == "committed"
    assert result.counts["new"] == 1
    person = Person.objects.get(name="赵大海")
    assert person.id_number == number and person.phone == "13700001234"
    assert person.household == small_street.household_a
    assert person.resident_type == ResidentType.MIGRANT
    assert person.separated, "registered in Henan, living in 和平路: 人户分离"
    assert person.created_by_batch == result.batch
    for field in ("name", "id_number", "phone", "household", "resident_type", "registered_address", "birth_year"):
        assert person.provenance[field]["source"] == "police"
        assert person.provenance[field]["batch"] == result.batch.pk
    assert code_of(person.last_verified_source) == "police" and person.last_verified_at is not None
    small_street.household_a.refresh_from_db()
    assert code_of(small_street.household_a.last_verified_source) == "police"
    tag = PersonTag.objects.get(person=person)
    assert (tag.tag.code, code_of(tag.source)) == ("min_living", "police")


def test_the_same_file_twice_changes_nothing(small_street: SmallStreet, tmp_path: Path):
    path = xlsx_write(
        tmp_path / "police.xlsx",
        [HEADER, ["赵大海", new_id_number(), "13700001234", address_of(small_street.household_a), "低保户"]],
    )
    assert import_file(path).status == "committed"
    before = registry_snapshot()

    again = import_file(path)

    assert again.status == "already_imported"
    assert registry_snapshot() == before


def test_the_same_data_in_another_file_changes_nothing(small_street: SmallStreet, tmp_path: Path):
    rows = [
        HEADER,
        ["赵大海", new_id_number(), "13700001234", address_of(small_street.household_a), "低保户"],
        # a second source's value for the elder is a conflict the first time only
        ["王秀英", small_street.elder_a.id_number, "13600009999", address_of(small_street.household_a), ""],
    ]
    first = import_file(csv_write(tmp_path / "a.csv", rows))
    assert first.counts["conflicts"] == 1
    before = registry_snapshot()

    second = import_file(xlsx_write(tmp_path / "b.xlsx", rows))

    assert second.status == "committed"
    assert (second.counts["new"], second.counts["updated"], second.counts["conflicts"]) == (0, 0, 0)
    assert second.counts["unchanged"] == 2 and second.counts["conflicts_pending"] == 1
    assert registry_snapshot() == before


def test_security_32_one_bad_row_imports_nothing_and_the_report_names_it(small_street: SmallStreet, tmp_path: Path):
    good = new_id_number()
    path = csv_write(
        tmp_path / "police.csv",
        [
            HEADER,
            ["赵大海", good, "", address_of(small_street.household_a), ""],
            ["钱小红", wrong_check_digit(new_id_number()), "", address_of(small_street.household_a), ""],
        ],
    )
    plan = import_plan(path=path, source=DataSource.objects.get(code="police"))
    assert [(problem.row, problem.column, problem.code) for problem in plan.problems] == [
        (3, "身份证号", "id_number_checksum")
    ]
    before = registry_snapshot()

    result = import_commit(plan=plan)

    assert result.status == "rejected"
    assert registry_snapshot() == before
    assert result.batch.status == ImportStatus.REJECTED
    assert result.batch.report["problems"][0]["row"] == 3
    assert good not in json.dumps(result.batch.report), "reports never hold a full ID number"


def test_skip_invalid_imports_the_good_rows_and_returns_the_others_with_the_reason(
    small_street: SmallStreet, tmp_path: Path
):
    address = address_of(small_street.household_a)
    path = xlsx_write(
        tmp_path / "civil.xlsx",
        [
            HEADER,
            ["赵大海", new_id_number(), "13700001234", address, ""],
            ["钱小红", new_id_number(), "12345", address, ""],
            ["孙一", new_id_number(), "", "和平路999号9栋", ""],
        ],
    )

    result = import_file(path, "civil_affairs", skip_invalid=True)

    assert result.status == "committed"
    assert (result.counts["new"], result.counts["rejected"]) == (1, 2)
    assert Person.objects.filter(name="赵大海").exists()
    assert not Person.objects.filter(name__in=["钱小红", "孙一"]).exists()
    assert result.rejects_path == tmp_path / "civil.rejected.xlsx"
    rows = list(load_workbook(result.rejects_path).active.iter_rows(values_only=True))
    assert rows[0] == (*HEADER, "错误原因")
    assert [row[0] for row in rows[1:]] == ["钱小红", "孙一"]
    assert rows[1][-1].startswith("联系电话：") and rows[2][-1].startswith("现住址：")


def test_the_rejected_rows_file_is_safe_from_formula_injection(small_street: SmallStreet, tmp_path: Path):
    formula = '=HYPERLINK("http://evil.example","点我")'
    path = csv_write(
        tmp_path / "civil.csv",
        [[*HEADER, "备注"], [formula, wrong_check_digit(new_id_number()), "", "", "", "@SUM(1+1)"]],
    )

    result = import_file(path, "civil_affairs", skip_invalid=True)

    assert result.rejects_path is not None, "skipped rows are written to a rejects file"
    rows = list(csv.reader(result.rejects_path.open(encoding="utf-8-sig")))
    assert rows[1][0] == "'" + formula
    assert rows[1][5] == "'@SUM(1+1)"


def test_a_second_source_disagreeing_is_reported_and_does_not_overwrite(small_street: SmallStreet, tmp_path: Path):
    result = phone_given_twice(tmp_path, small_street.household_a, first="police", second="civil_affairs")

    person = Person.objects.get(name="赵大海")
    assert person.phone == "13700001234", "the police's value stays until an admin decides"
    assert person.provenance["phone"]["source"] == "police"
    conflict = FieldConflict.objects.get(person=person)
    assert (conflict.field, conflict.status) == ("phone", ConflictStatus.OPEN)
    assert (conflict.current_value, code_of(conflict.current_source)) == ("13700001234", "police")
    assert (conflict.incoming_value, conflict.incoming_source.code) == ("13700005678", "civil_affairs")
    assert result.counts["conflicts"] == 1
    reported = result.batch.report["conflicts"][0]
    assert (reported["row"], reported["field"], reported["incoming"]) == (2, "phone", "137****5678")
    assert "13700005678" not in json.dumps(result.batch.report)


def test_a_source_corrects_its_own_value_with_history(small_street: SmallStreet, tmp_path: Path):
    result = phone_given_twice(tmp_path, small_street.household_a, first="police", second="police")

    person = Person.objects.get(name="赵大海")
    assert person.phone == "13700005678" and result.counts["updated"] == 1
    change = RecordChange.objects.get(object_type="person", object_id=person.pk, field="phone")
    assert (change.old_masked, change.new_masked) == ("137****1234", "137****5678")
    assert (code_of(change.source), change.batch) == ("police", result.batch)
    assert person.provenance["phone"]["batch"] == result.batch.pk
    assert not FieldConflict.objects.exists()


def test_a_value_nobody_recorded_the_source_of_is_not_overwritten(small_street: SmallStreet, tmp_path: Path):
    elder = small_street.elder_a
    path = csv_write(tmp_path / "a.csv", [HEADER, [elder.name, elder.id_number, "13600009999", "", ""]])

    import_file(path, "health")

    elder.refresh_from_db()
    assert elder.phone == "13800001111"
    conflict = FieldConflict.objects.get(person=elder)
    assert conflict.current_source is None and conflict.incoming_source.code == "health"


def test_an_empty_value_is_filled_in_and_an_empty_cell_erases_nothing(small_street: SmallStreet, tmp_path: Path):
    child = small_street.child_a
    import_file(csv_write(tmp_path / "a.csv", [HEADER, [child.name, child.id_number, "13600001111", "", ""]]), "health")
    child.refresh_from_db()
    assert child.phone == "13600001111" and child.provenance["phone"]["source"] == "health"

    import_file(csv_write(tmp_path / "b.csv", [HEADER, [child.name, child.id_number, "", "", ""]]), "police")

    child.refresh_from_db()
    assert child.phone == "13600001111"
    assert child.household == small_street.household_a, "no address in the file: the household stays"


def test_tags_are_added_and_never_removed(small_street: SmallStreet, tmp_path: Path):
    elder = small_street.elder_a
    import_file(
        csv_write(tmp_path / "a.csv", [HEADER, [elder.name, elder.id_number, "", "", "低保户"]]), "civil_affairs"
    )
    import_file(csv_write(tmp_path / "b.csv", [HEADER, [elder.name, elder.id_number, "", "", ""]]), "police")

    assert set(elder.tags.values_list("code", flat=True)) == {"elder_alone", "min_living"}
    added = PersonTag.objects.get(person=elder, tag__code="min_living")
    assert code_of(added.source) == "civil_affairs"
    assert RecordChange.objects.filter(object_id=elder.pk, field="tags", new_masked="低保户").count() == 1


def test_every_person_in_the_file_is_verified_now_changed_or_not(small_street: SmallStreet, tmp_path: Path):
    resident = small_street.resident_b
    result = import_file(
        csv_write(tmp_path / "a.csv", [HEADER, [resident.name, resident.id_number, "", "", ""]]), "community"
    )

    assert result.counts["unchanged"] == 1
    resident.refresh_from_db()
    small_street.household_b.refresh_from_db()
    assert code_of(resident.last_verified_source) == "community"
    assert code_of(small_street.household_b.last_verified_source) == "community"


def test_a_new_person_needs_an_address(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", "", ""]])

    plan = import_plan(path=path, source=DataSource.objects.get(code="police"))

    assert [(problem.row, problem.code) for problem in plan.problems] == [(2, "address_missing")]


def test_staff_import_only_within_their_places(small_street: SmallStreet, tmp_path: Path):
    resident_b = small_street.resident_b
    path = csv_write(
        tmp_path / "a.csv",
        [
            HEADER,
            ["赵大海", new_id_number(), "", address_of(small_street.household_b), ""],
            [resident_b.name, resident_b.id_number, "13600001111", "", ""],
        ],
    )

    plan = import_plan(
        path=path, source=DataSource.objects.get(code="community"), user=small_street.users["community_staff"]
    )

    assert [(problem.row, problem.code) for problem in plan.problems] == [
        (2, "address_out_of_scope"),
        (3, "person_out_of_scope"),
    ]


def test_one_audit_row_per_import_without_personal_data(small_street: SmallStreet, tmp_path: Path):
    number = new_id_number()
    path = csv_write(
        tmp_path / "a.csv", [HEADER, ["赵大海", number, "13700001234", address_of(small_street.household_a), ""]]
    )

    result = import_file(path)

    entry = AuditEntry.objects.get(action="registry.import")
    assert (entry.object_id, entry.result) == (str(result.batch.pk), "ok")
    assert entry.detail["counts"]["new"] == 1 and entry.detail["source"] == "police"
    assert number not in json.dumps(entry.detail) and "赵大海" not in json.dumps(entry.detail)

"""python manage.py import_people: strict by default, dry run, skip invalid, killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from qiaomen.registry.importing.services import CHUNK_ROWS
from qiaomen.registry.models import ImportBatch, ImportStatus, Person
from qiaomen.registry.tests.import_files import (
    HEADER,
    address_of,
    csv_write,
    new_id_number,
    registry_snapshot,
    wrong_check_digit,
    xlsx_write,
)
from qiaomen.testing import SmallStreet, child_database_url, make_small_street

ROOT = Path(settings.BASE_DIR)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_people", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_one_bad_row_fails_the_command_names_the_row_and_imports_nothing(small_street: SmallStreet, tmp_path: Path):
    address = address_of(small_street.household_a)
    path = csv_write(
        tmp_path / "a.csv",
        [
            HEADER,
            ["赵大海", new_id_number(), "", address, ""],
            ["钱小红", wrong_check_digit(new_id_number()), "", address, ""],
        ],
    )
    before = registry_snapshot()
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_people", str(path), "--source", "police", stdout=out)

    assert "import_rejected" in str(failed.value)
    assert "第3行【身份证号】 id_number_checksum" in out.getvalue()
    assert registry_snapshot() == before
    assert ImportBatch.objects.get().status == ImportStatus.REJECTED


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", address_of(small_street.household_a), ""]]
    )

    out = _run(str(path), "--source", "police", "--dry-run")

    assert "新增 1" in out and "试运行" in out
    assert not Person.objects.filter(name="赵大海").exists()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_skip_invalid_imports_the_rest_and_names_the_rejects_file(small_street: SmallStreet, tmp_path: Path):
    address = address_of(small_street.household_a)
    path = xlsx_write(
        tmp_path / "a.xlsx",
        [HEADER, ["赵大海", new_id_number(), "", address, ""], ["钱小红", "1.10105E+17", "", address, ""]],
    )

    out = _run(str(path), "--source", "police", "--skip-invalid")

    assert "新增 1" in out and str(tmp_path / "a.rejected.xlsx") in out
    assert (tmp_path / "a.rejected.xlsx").exists()
    assert Person.objects.filter(name="赵大海").exists()


@pytest.mark.django_db
def test_a_header_is_mapped_from_the_command_line(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv",
        [["姓名", "身份证", "住址"], ["赵大海", new_id_number(), address_of(small_street.household_a)]],
    )

    _run(str(path), "--source", "police", "--map", "身份证=id_number", "--map", "住址=address")

    assert Person.objects.get(name="赵大海").household == small_street.household_a


@pytest.mark.django_db
def test_importing_the_same_file_again_says_so(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", address_of(small_street.household_a), ""]]
    )
    _run(str(path), "--source", "police")

    assert "本次不做任何更改" in _run(str(path), "--source", "police")


@pytest.mark.django_db
def test_an_unknown_source_or_a_renamed_program_is_refused(small_street: SmallStreet, tmp_path: Path):
    program = tmp_path / "名单.csv"
    program.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100)

    with pytest.raises(CommandError, match="source_unknown"):
        _run(str(program), "--source", "nobody")
    with pytest.raises(CommandError, match="file_type_refused"):
        _run(str(program), "--source", "police")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_security_32_killing_the_command_mid_import_leaves_no_person_behind(tmp_path: Path):
    street = make_small_street()
    address = address_of(street.household_a)
    rows = [["赵大海", new_id_number(), "", address, ""] for _ in range(CHUNK_ROWS * 6)]
    path = xlsx_write(tmp_path / "big.xlsx", [HEADER, *rows])
    people_before = Person.objects.count()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiaomen.test_settings", "DATABASE_URL": child_database_url()}
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_people", str(path), "--source", "police"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("已写入"):  # the first chunk is written, the transaction still open
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)

    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert Person.objects.count() == people_before
    assert not ImportBatch.objects.exists()
    # Nothing of the killed run stands in the way: the same file, run again, goes in whole.
    _run(str(path), "--source", "police")
    assert Person.objects.count() == people_before + len(rows)
    assert ImportBatch.objects.get().status == ImportStatus.COMMITTED


@pytest.mark.django_db
def test_a_new_person_without_an_address_fails_the_command(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", "", ""]])
    before = registry_snapshot()
    out = StringIO()

    with pytest.raises(CommandError, match="import_rejected"):
        call_command("import_people", str(path), "--source", "police", stdout=out)

    assert "第2行【现住址】 address_missing" in out.getvalue()
    assert registry_snapshot() == before

"""The import page: upload → preview → confirm → result, and the open conflicts with their buttons."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qiaomen.core.models import AuditEntry
from qiaomen.registry.models import ConflictStatus, FieldConflict, HeaderAlias, ImportBatch, ImportStatus, Person
from qiaomen.registry.tests.import_files import (
    HEADER,
    address_of,
    csv_write,
    import_file,
    new_id_number,
    wrong_check_digit,
    xlsx_write,
)
from qiaomen.testing import SmallStreet, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_of_this_test(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _client(small_street: SmallStreet, persona: str) -> Client:
    client = Client()
    sign_in(client, small_street.users[persona])
    return client


def _upload(client: Client, path: Path, source: str = "police"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("web:import_upload"), {"file": upload, "source": source})


@pytest.mark.parametrize("persona", ["worker_a", "building_chief", "dept_handler", "supervisor", "auditor"])
def test_only_import_staff_open_the_pages(small_street: SmallStreet, persona: str):
    client = _client(small_street, persona)

    for name in ("web:import_upload", "web:import_conflicts"):
        assert client.get(reverse(name)).status_code == 403


def test_upload_preview_confirm_result(small_street: SmallStreet, tmp_path: Path):
    client = _client(small_street, "street_admin")
    address = address_of(small_street.household_a)
    path = xlsx_write(
        tmp_path / "名单.xlsx",
        [
            HEADER,
            ["赵大海", new_id_number(), "13700001234", address, "低保户"],
            ["钱小红", new_id_number(), "", address, ""],
        ],
    )

    uploaded = _upload(client, path)

    batch = ImportBatch.objects.get()
    assert uploaded.status_code == 302 and uploaded.url == reverse("web:import_preview", args=[batch.pk])
    assert batch.status == ImportStatus.PREVIEWED and batch.filename == "名单.xlsx"
    stored = Path(settings.UPLOAD_DIR) / batch.stored_file
    assert stored.is_file() and "名单" not in batch.stored_file
    preview = client.get(uploaded.url)
    assert preview.status_code == 200
    assert preview.context["counts"]["new"] == 2
    assert not Person.objects.filter(name="赵大海").exists(), "a preview imports nothing"

    confirmed = client.post(reverse("web:import_confirm", args=[batch.pk]))

    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("web:import_result", args=[batch.pk])
    assert Person.objects.filter(name__in=["赵大海", "钱小红"]).count() == 2
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.created_by == small_street.users["street_admin"]
    assert not stored.exists(), "the upload is deleted once imported"
    assert client.get(confirmed["Location"]).status_code == 200
    assert AuditEntry.objects.filter(action="registry.import", actor=small_street.users["street_admin"]).count() == 1


def test_problems_are_listed_by_row_and_the_valid_rows_can_go_in(small_street: SmallStreet, tmp_path: Path):
    client = _client(small_street, "street_admin")
    address = address_of(small_street.household_a)
    bad = wrong_check_digit(new_id_number())
    path = csv_write(
        tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", address, ""], ["钱小红", bad, "", address, ""]]
    )
    batch_url = _upload(client, path).url
    batch = ImportBatch.objects.get()

    preview = client.get(batch_url)

    assert [(p["row"], p["code"]) for p in preview.context["problems"]] == [(3, "id_number_checksum")]
    assert bad not in preview.content.decode()

    client.post(reverse("web:import_confirm", args=[batch.pk]), {"skip_invalid": "on"})

    assert Person.objects.filter(name="赵大海").exists() and not Person.objects.filter(name="钱小红").exists()
    download = client.get(reverse("web:import_rejects", args=[batch.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rows = csv_rows(download.content)
    assert rows[0][-1] == "错误原因" and rows[1][1] == bad
    assert AuditEntry.objects.filter(action="registry.import_rejects_download").count() == 1


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_strict_confirm_with_problems_imports_nothing(small_street: SmallStreet, tmp_path: Path):
    client = _client(small_street, "street_admin")
    address = address_of(small_street.household_a)
    path = csv_write(
        tmp_path / "a.csv",
        [HEADER, ["赵大海", new_id_number(), "", address, ""], ["钱小红", "1.10105E+17", "", address, ""]],
    )
    _upload(client, path)
    batch = ImportBatch.objects.get()

    client.post(reverse("web:import_confirm", args=[batch.pk]))

    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert not Person.objects.filter(name="赵大海").exists()


def test_unknown_headers_are_mapped_with_select_boxes_and_remembered(small_street: SmallStreet, tmp_path: Path):
    client = _client(small_street, "street_admin")
    path = csv_write(
        tmp_path / "a.csv",
        [["姓名", "身份证", "住址"], ["赵大海", new_id_number(), address_of(small_street.household_a)]],
    )
    preview_url = _upload(client, path).url
    preview = client.get(preview_url)
    assert preview.context["mapping_form"].headers == ["身份证", "住址"]
    assert preview.context["file_rejected"]

    client.post(preview_url, {"header_0": "id_number", "header_1": "address"})

    assert dict(HeaderAlias.objects.values_list("header", "field")) == {"身份证": "id_number", "住址": "address"}
    again = client.get(preview_url)
    assert again.context["counts"]["new"] == 1 and not again.context["file_rejected"]


def test_a_renamed_program_is_refused_on_upload(small_street: SmallStreet):
    client = _client(small_street, "street_admin")
    program = SimpleUploadedFile("名单.xlsx", b"MZ\x90\x00" + b"\x00" * 200)

    response = client.post(reverse("web:import_upload"), {"file": program, "source": "police"})

    assert response.status_code == 422
    assert not ImportBatch.objects.exists()
    assert not any(Path(settings.UPLOAD_DIR).glob("*")), "a refused upload is not kept"


def test_someone_elses_import_is_not_found(small_street: SmallStreet, tmp_path: Path):
    path = csv_write(
        tmp_path / "a.csv", [HEADER, ["赵大海", new_id_number(), "", address_of(small_street.household_a), ""]]
    )
    _upload(_client(small_street, "street_admin"), path)
    batch = ImportBatch.objects.get()

    other = _client(small_street, "community_staff")

    assert other.get(reverse("web:import_preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("web:import_confirm", args=[batch.pk])).status_code == 404


def _conflicts(small_street: SmallStreet, tmp_path: Path) -> tuple[FieldConflict, FieldConflict]:
    """An open phone conflict for a person in grid A and one for a person in grid B."""
    for index, resident in enumerate((small_street.elder_a, small_street.resident_b)):
        path = csv_write(
            tmp_path / f"{index}.csv", [HEADER, [resident.name, resident.id_number, "13600009999", "", ""]]
        )
        import_file(path, "health")
    return (
        FieldConflict.objects.get(person=small_street.elder_a),
        FieldConflict.objects.get(person=small_street.resident_b),
    )


def test_the_conflicts_page_lists_masked_values_within_the_users_places(small_street: SmallStreet, tmp_path: Path):
    in_a, in_b = _conflicts(small_street, tmp_path)
    client = _client(small_street, "community_staff")  # community 1: grid A only

    page = client.get(reverse("web:import_conflicts"))

    assert [row.conflict.pk for row in page.context["rows"]] == [in_a.pk]
    html = page.content.decode()
    assert "136****9999" in html and "13600009999" not in html and "13800001111" not in html
    assert client.post(reverse("web:import_conflict_resolve", args=[in_b.pk]), {"keep": "incoming"}).status_code == 404


def test_a_conflict_is_resolved_with_a_button(small_street: SmallStreet, tmp_path: Path):
    in_a, _in_b = _conflicts(small_street, tmp_path)
    client = _client(small_street, "street_admin")

    response = client.post(reverse("web:import_conflict_resolve", args=[in_a.pk]), {"keep": "incoming"})

    assert response.status_code == 302
    in_a.refresh_from_db()
    assert in_a.status == ConflictStatus.TOOK_INCOMING
    assert Person.objects.get(pk=small_street.elder_a.pk).phone == "13600009999"


def test_the_pages_speak_chinese_and_run_no_inline_script(small_street: SmallStreet, tmp_path: Path):
    client = _client(small_street, "street_admin")
    _conflicts(small_street, tmp_path)

    for name, heading in (("web:import_upload", "导入人员"), ("web:import_conflicts", "待处理的冲突")):
        html = client.get(reverse(name)).content.decode()
        assert heading in html
        assert "<script>" not in html and "onclick" not in html

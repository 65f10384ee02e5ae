"""A real import reads its rows as it writes them (import_plan(read=False)), chunk by chunk, and
never holds the whole file; it must decide exactly as an import that read the file first."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from django.db import connection, transaction
from openpyxl import load_workbook

from qiaomen.registry.importing import services
from qiaomen.registry.importing.services import import_commit, import_plan
from qiaomen.registry.models import DataSource, ImportStatus, Person
from qiaomen.registry.tests.import_files import (
    HEADER,
    address_of,
    import_file,
    new_id_number,
    registry_snapshot,
    wrong_check_digit,
    xlsx_write,
)
from qiaomen.testing import SmallStreet

pytestmark = pytest.mark.django_db

CHUNK = 2


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rows a chunk, so that a file of a few rows is written in several chunks."""
    monkeypatch.setattr(services, "CHUNK_ROWS", CHUNK)


def _sheet(street: SmallStreet, count: int) -> list[list[object]]:
    """The header and `count` new people of household A, 居民0 on the sheet's row 2."""
    address = address_of(street.household_a)
    people: list[list[object]] = [[f"居民{index}", new_id_number(), "", address, ""] for index in range(count)]
    return [list(HEADER), *people]


def test_rows_are_written_while_the_file_is_still_being_read(small_street: SmallStreet, tmp_path: Path):
    path = xlsx_write(tmp_path / "police.xlsx", _sheet(small_street, 7))
    plan = import_plan(path=path, source=DataSource.objects.get(code="police"), compare=False, read=False)
    read_when_written: list[tuple[int, int]] = []

    result = import_commit(plan=plan, progress=lambda written: read_when_written.append((written, plan.rows_total)))

    assert result.status == "committed" and result.counts["new"] == 7
    assert plan.rows == [], "the rows are never gathered on the plan"
    assert read_when_written[0] == (CHUNK, CHUNK), "the first chunk is written before the third row is read"
    assert [written for written, _read in read_when_written] == [2, 4, 6, 7]


class _Undo(Exception):
    """Raised to roll an import back, so that the next one meets the same registry."""


def test_streaming_and_reading_whole_import_the_same(small_street: SmallStreet, tmp_path: Path):
    """The same file, with a bad row, into the same registry: same counts, same report."""
    rows = _sheet(small_street, 5)
    rows[4][1] = wrong_check_digit(str(rows[4][1]))
    path = xlsx_write(tmp_path / "civil.xlsx", rows)
    outcomes = []
    for read in (True, False):
        with contextlib.suppress(_Undo), transaction.atomic():
            result = import_file(path, "civil_affairs", skip_invalid=True, read=read)
            outcomes.append((result.counts, result.batch.report))
            raise _Undo

    whole, streamed = outcomes
    assert whole == streamed
    assert (streamed[0]["new"], streamed[0]["rejected"]) == (4, 1)


def test_a_bad_row_after_written_chunks_rejects_the_whole_file(small_street: SmallStreet, tmp_path: Path):
    rows = _sheet(small_street, 7)
    rows[6][1] = wrong_check_digit(str(rows[6][1]))  # row 7 of the sheet, in the third chunk
    rows[7][3] = "和平路999号9栋"  # row 8, after it: still reported
    before = registry_snapshot()

    result = import_file(xlsx_write(tmp_path / "police.xlsx", rows))

    assert result.status == "rejected" and result.batch.status == ImportStatus.REJECTED
    assert registry_snapshot() == before, "the chunks written before the bad row are rolled back"
    problems = [(problem["row"], problem["code"]) for problem in result.batch.report["problems"]]
    assert problems == [(7, "id_number_checksum"), (8, "address_unplaced")]


def test_a_person_listed_twice_in_far_apart_chunks_rejects_the_strict_import(small_street: SmallStreet, tmp_path: Path):
    rows = _sheet(small_street, 6)
    rows[6][1] = rows[1][1]  # sheet rows 2 and 7: the first is written before the second is read
    before = registry_snapshot()

    result = import_file(xlsx_write(tmp_path / "police.xlsx", rows))

    assert result.status == "rejected"
    assert registry_snapshot() == before
    problems = [(problem["row"], problem["code"]) for problem in result.batch.report["problems"]]
    assert problems == [(2, "id_number_duplicate"), (7, "id_number_duplicate")]
    assert "2、7" in result.batch.report["problems"][0]["message"]


def test_a_person_listed_twice_is_left_out_of_a_skip_invalid_import_both_times(
    small_street: SmallStreet, tmp_path: Path
):
    rows = _sheet(small_street, 6)
    rows[6][1] = rows[1][1]
    path = xlsx_write(tmp_path / "police.xlsx", rows)

    result = import_file(path, skip_invalid=True)

    assert result.status == "committed"
    assert (result.counts["new"], result.counts["rejected"]) == (4, 2)
    assert not Person.objects.filter(name__in=["居民0", "居民5"]).exists(), "neither row can be trusted"
    assert Person.objects.filter(name__in=[f"居民{index}" for index in range(1, 5)]).count() == 4
    assert result.rejects_path is not None
    rejected = list(load_workbook(result.rejects_path).active.iter_rows(values_only=True))
    assert [row[0] for row in rejected[1:]] == ["居民0", "居民5"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_an_import_writes_with_a_small_page_cache_and_gives_the_usual_one_back(
    small_street: SmallStreet, tmp_path: Path
):
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    usual = cache_size()
    during: list[int] = []

    plan = import_plan(
        path=xlsx_write(tmp_path / "police.xlsx", _sheet(small_street, 3)),
        source=DataSource.objects.get(code="police"),
        read=False,
    )
    import_commit(plan=plan, progress=lambda _written: during.append(cache_size()))

    assert usual == -64 * 1024, "the connection's own cache is 64 MB (settings)"
    assert set(during) == {-services.IMPORT_SQLITE_CACHE_KIB}
    assert cache_size() == usual

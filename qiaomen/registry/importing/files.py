"""Reading department files: what kind of file it really is, and its rows.

The kind is decided by content, never by the file name: a renamed executable or a zip bomb
must be refused before any parser sees it. Spreadsheets are read with python-calamine (a
Rust reader, ~9x faster than openpyxl on 100,000 rows); CSV with the standard library after
the encoding has been found (UTF-8, UTF-8 with BOM, UTF-16 from Excel's "Unicode text", or
GBK/GB18030 from older Chinese Excel installations).
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import zipfile
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from qiaomen.core.errors import InvalidInput

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CSV_DELIMITERS = (",", "\t", ";")
_READ_BLOCK = 1024 * 1024


class FileRefused(InvalidInput):
    """The file is not one we read: wrong kind, too big, unreadable encoding."""


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _too_large() -> FileRefused:
    return FileRefused(
        "file_too_large",
        _("The file is larger than %(limit)s MB.") % {"limit": settings.UPLOAD_MAX_BYTES // 1024 // 1024},
    )


def upload_store(*, chunks: Iterable[bytes]) -> Path:
    """Save an upload under settings.UPLOAD_DIR with a random name, checked by content.

    The department's file name is never part of the path (it may hold names, or ../); the size
    limit is enforced while writing, so an oversized upload never fills the disk.
    """
    directory = Path(settings.UPLOAD_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / secrets.token_hex(16)
    try:
        with path.open("xb") as handle:
            size = 0
            for chunk in chunks:
                size += len(chunk)
                if size > settings.UPLOAD_MAX_BYTES:
                    raise _too_large()
                handle.write(chunk)
        file_check(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def file_check(path: Path) -> FileKind:
    """The kind of a file by its content, or FileRefused with a code saying why not."""
    size = path.stat().st_size
    if size > settings.UPLOAD_MAX_BYTES:
        raise _too_large()
    if size == 0:
        raise FileRefused("file_empty", _("The file is empty."))
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    if head == OLE_MAGIC:
        return FileKind.XLS
    _csv_text(path.read_bytes())  # refuses binary content and unknown encodings
    return FileKind.CSV


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                kind = FileKind.XLSX
            elif "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                kind = FileKind.ODS
            else:
                raise FileRefused(
                    "file_type_refused", _("This compressed file is not an Excel (.xlsx) or .ods spreadsheet.")
                )
            _unpacked_size_check(archive)
    except zipfile.BadZipFile as exc:
        raise FileRefused("file_unreadable", _("The spreadsheet is damaged and cannot be read.")) from exc
    return kind


def _unpacked_size_check(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb. The declared sizes can lie, so the members are really inflated (and
    thrown away) with a running total: ~0.1 s for a 100,000-row sheet, cheap for the safety."""
    limit = settings.XLSX_MAX_UNPACKED_BYTES
    message = _("Unpacked, the spreadsheet is larger than %(limit)s MB: it is not read.") % {
        "limit": limit // 1024 // 1024
    }
    if sum(info.file_size for info in archive.infolist()) > limit:
        raise FileRefused("file_unpacked_too_large", message)
    total = 0
    for info in archive.infolist():
        with archive.open(info) as member:
            while block := member.read(_READ_BLOCK):
                total += len(block)
                if total > limit:
                    raise FileRefused("file_unpacked_too_large", message)


def _csv_text(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return _decode(raw, "utf-8-sig")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(raw, "utf-16")
    if b"\x00" in raw:
        # Text files hold no NUL bytes; executables, images and archives do.
        raise FileRefused(
            "file_type_refused",
            _("The file is not a CSV or Excel spreadsheet (perhaps a program): it is not imported."),
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: Chinese Excel saves CSV in GBK, of which GB18030 is the superset.
        return _decode(raw, "gb18030")


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            "file_encoding", _("The file's text encoding is not recognised: save it as UTF-8 or as an Excel file.")
        ) from exc


def table_rows(path: Path, kind: FileKind) -> Iterator[tuple[int, list[object]]]:
    """(row number as the spreadsheet shows it, cell values) for every row of the first sheet."""
    if kind is FileKind.CSV:
        yield from _csv_rows(path)
    else:
        yield from _workbook_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    text = _csv_text(path.read_bytes())
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    # A quoted cell may span lines; a spreadsheet shows it as one row, so rows are counted as records.
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield number, list(cells)


def _workbook_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        # iter_rows starts at the sheet's first row, used or not, so the index is the row number.
        yield from enumerate(sheet.iter_rows(), start=1)
    except python_calamine.PasswordError as exc:
        raise FileRefused(
            "file_encrypted", _("The spreadsheet is protected by a password: remove it and import again.")
        ) from exc
    except python_calamine.CalamineError as exc:
        raise FileRefused("file_unreadable", _("The spreadsheet is damaged or of a format we do not read.")) from exc

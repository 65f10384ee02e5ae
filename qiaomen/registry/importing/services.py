"""Importing people: plan (read, validate, compare), commit (all or nothing), resolve conflicts.

A file is imported whole or not at all: the whole write is one transaction, so a crash or a
killed process leaves the registry as it was. Strict by default: one invalid row rejects the
file; with `skip_invalid` the valid rows go in and the others come back as a file to correct.
The same file (same SHA-256, same source) is imported once; the same data in another file
changes nothing, because every value is compared before it is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Forbidden, InvalidInput
from qiaomen.core.models import AuditResult
from qiaomen.registry.importing.files import FileKind, file_check, file_sha256, table_rows
from qiaomen.registry.importing.headers import (
    FIELDS,
    HEADER_SEARCH_ROWS,
    ColumnMap,
    columns_map,
    header_normal,
    header_row_find,
    mapping_target_valid,
)
from qiaomen.registry.importing.lookups import RegistryLookups
from qiaomen.registry.importing.merge import COUNT_KEYS, PersonMerge
from qiaomen.registry.importing.problems import Problem, reasons_by_row
from qiaomen.registry.importing.rejects import rejects_default_path, rejects_write
from qiaomen.registry.importing.repeats import RepeatWatch, repeat_problems, repeats_of
from qiaomen.registry.importing.rows import CleanRow, RowCleaner, cell_blank
from qiaomen.registry.models import (
    DataSource,
    HeaderAlias,
    ImportBatch,
    ImportStatus,
)

CHUNK_ROWS = 1000  # rows per read-compare-write round: a few queries each, bounded memory
IMPORT_SQLITE_CACHE_KIB = 16 * 1024  # see _page_cache_for_import
REPORT_MAX_ITEMS = 1000  # problems and conflicts kept in a stored report (the total is kept too)
# Any constant: imports on PostgreSQL queue on this advisory lock (SQLite's IMMEDIATE
# transactions already queue writers), so two imports never interleave their creations.
_PG_IMPORT_LOCK = 0x51A0_1A9F

Progress = Callable[[int], None]  # rows written so far


@dataclass
class ImportPlan:
    """What a file would do to the registry; nothing of it is written yet."""

    source: DataSource
    path: Path
    filename: str
    kind: FileKind
    sha256: str
    user: User | None
    columns: ColumnMap | None = None
    rows: list[CleanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_total: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    already_imported: ImportBatch | None = None
    lookups: RegistryLookups | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # the explicit header mapping it was read with
    # The data rows not read yet (`import_plan(read=False)`), for `import_commit` to stream.
    unread: Iterator[tuple[int, list[object]]] | None = None

    @property
    def file_rejected(self) -> bool:
        """The file itself is unusable (a required column is missing): no row can go in."""
        return self.columns is None or bool(self.columns.problems)

    @property
    def rejected_rows(self) -> set[int]:
        header_row = self.columns.header_row if self.columns else 0
        return {problem.row for problem in self.problems if problem.row != header_row}

    def counts_summary(self, counts: Mapping[str, int] | None = None) -> dict[str, int]:
        """Rows read and rejected, with what the valid rows do (planned, or `counts` as written)."""
        merged = self.counts if counts is None else counts
        return {"rows": self.rows_total, "rejected": len(self.rejected_rows), **dict.fromkeys(COUNT_KEYS, 0), **merged}

    def report(self) -> dict[str, Any]:
        """What is stored with the batch and shown on the page: masked, capped, by row."""
        problems = sorted(self.problems)
        return {
            "kind": self.kind.value,
            "header_row": self.columns.header_row if self.columns else None,
            "columns": {name: self.columns.header_of(name) for name in self.columns.fields} if self.columns else {},
            "unknown_headers": list(self.columns.unknown) if self.columns else [],
            "problems": [problem.as_dict() for problem in problems[:REPORT_MAX_ITEMS]],
            "problems_total": len(problems),
            "rejected_rows": len(self.rejected_rows),
            "conflicts": self.conflicts[:REPORT_MAX_ITEMS],
            "already_imported_batch": self.already_imported.pk if self.already_imported else None,
            "file_rejected": self.file_rejected and self.already_imported is None,
        }


@dataclass
class ImportResult:
    status: str  # "committed", "rejected" or "already_imported"
    batch: ImportBatch
    plan: ImportPlan
    rejects_path: Path | None = None

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.batch.counts)


class _StrictAbort(Exception):
    """A strict import found a problem while writing (in rows it streams, or the registry changed
    since the plan): the transaction is rolled back and the file rejected with its problems."""


class _RepeatedWhileWriting(Exception):
    """A file streamed with `skip_invalid` lists a person twice: its import starts again."""


def _chunks(rows: Sequence[CleanRow]) -> Iterator[Sequence[CleanRow]]:
    for start in range(0, len(rows), CHUNK_ROWS):
        yield rows[start : start + CHUNK_ROWS]


def _chunks_to_write(plan: ImportPlan, *, skip_invalid: bool) -> Iterator[Sequence[CleanRow]]:
    """The plan's valid rows in chunks: those it read, or else its unread rows cleaned as they
    come (their problems and a person listed twice are added to the plan's problems)."""
    if plan.unread is None:
        yield from _chunks(plan.rows)
        return
    data, plan.unread = plan.unread, None
    watch = RepeatWatch()
    for chunk in _cleaned_chunks(plan, data):
        fresh = watch.unseen(chunk)
        if watch.repeated and skip_invalid:
            raise _RepeatedWhileWriting
        yield fresh  # strict: a repeat refuses the file at the end, which rolls back what was written
    if watch.repeated:
        assert plan.columns is not None
        plan.problems.extend(repeat_problems(watch.repeated, column=plan.columns.header_of("id_number")))


def _merge_for(plan: ImportPlan, *, batch: ImportBatch | None) -> PersonMerge:
    assert plan.columns is not None and plan.lookups is not None
    fields = plan.columns.fields
    return PersonMerge(
        source=plan.source,
        lookups=plan.lookups,
        at=timezone.now(),
        batch=batch,
        actor=plan.user,
        id_column=plan.columns.header_of("id_number"),
        address_column=plan.columns.header_of("address") if "address" in fields else FIELDS["address"].header,
    )


def _duplicates_remove(plan: ImportPlan) -> None:
    """The same ID number twice in a file read whole: both rows are refused and named."""
    repeated = repeats_of(plan.rows)
    if not repeated:
        return
    assert plan.columns is not None
    plan.problems.extend(repeat_problems(repeated, column=plan.columns.header_of("id_number")))
    plan.rows = [row for row in plan.rows if row.id_number.value not in repeated]


def _cleaned_chunks(plan: ImportPlan, data: Iterator[tuple[int, list[object]]]) -> Iterator[list[CleanRow]]:
    """The valid rows of `data` in chunks; every row is counted and its problems kept on the plan."""
    assert plan.columns is not None and plan.lookups is not None
    cleaner = RowCleaner(columns=plan.columns, lookups=plan.lookups)
    chunk: list[CleanRow] = []
    for number, cells in data:
        if all(cell_blank(cell) for cell in cells):
            continue
        plan.rows_total += 1
        cleaned = cleaner.clean(number, cells)
        if isinstance(cleaned, list):
            plan.problems.extend(cleaned)
            continue
        chunk.append(cleaned)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_plan(
    *,
    path: Path,
    source: DataSource,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    user: User | None = None,
    compare: bool = True,
    read: bool = True,
) -> ImportPlan:
    """Read, validate and compare a file with the registry. Writes nothing.

    `mapping` maps headers of this file to fields (or "ignore"); `user` limits the import to
    the user's places (None: the command line, the whole registry); `compare=False` skips the
    comparison with stored people when the plan goes straight to `import_commit`, which compares
    again inside its transaction anyway. `read=False` stops after the header: `import_commit`
    then cleans the rows as it writes them and never holds the whole file (a real import; a
    preview or a dry run reads the file whole). Raises FileRefused when the file is not a spreadsheet.
    """
    kind = file_check(path)
    plan = ImportPlan(
        source=source,
        path=path,
        filename=filename or path.name,
        kind=kind,
        sha256=file_sha256(path),
        user=user,
        mapping=dict(mapping or {}),
    )
    plan.already_imported = ImportBatch.objects.filter(
        source=source, file_sha256=plan.sha256, status=ImportStatus.COMMITTED
    ).first()
    if plan.already_imported is not None:
        return plan
    explicit = plan.mapping
    remembered = dict(HeaderAlias.objects.values_list("header", "field"))
    rows = table_rows(path, kind)
    head = list(islice(rows, HEADER_SEARCH_ROWS))
    if not head:
        plan.problems.append(Problem(1, "", "file_no_rows", _("The file holds nothing.")))
        return plan
    at = header_row_find(head, explicit=explicit, remembered=remembered)
    header_number, header_cells = head[at]
    plan.columns = columns_map(header_number, header_cells, explicit=explicit, remembered=remembered)
    if plan.columns.problems:
        plan.problems.extend(plan.columns.problems)
        return plan
    plan.lookups = RegistryLookups.load(user=user)
    data = chain(head[at + 1 :], rows)
    if not read:
        plan.unread = data
        return plan
    for chunk in _cleaned_chunks(plan, data):
        plan.rows.extend(chunk)
    _duplicates_remove(plan)
    if compare:
        _compare(plan)
    plan.problems.sort()
    return plan


def _compare(plan: ImportPlan) -> None:
    """What the valid rows would do to the stored people; rows that cannot go in are dropped."""
    merge = _merge_for(plan, batch=None)
    late_rows: set[int] = set()
    for chunk in _chunks(plan.rows):
        merged = merge.chunk_plan(chunk)
        plan.counts.update(merged.counts)
        plan.conflicts.extend(merged.conflict_reports)
        plan.problems.extend(merged.problems)
        late_rows.update(problem.row for problem in merged.problems)
    if late_rows:
        plan.rows = [row for row in plan.rows if row.number not in late_rows]


def _batch_save(plan: ImportPlan, batch: ImportBatch | None, *, status: str, counts: Mapping[str, int]) -> ImportBatch:
    batch = batch or ImportBatch(source=plan.source, created_by=plan.user)
    batch.source = plan.source
    batch.filename = plan.filename[:255]
    batch.file_sha256 = plan.sha256
    batch.status = status
    batch.counts = dict(counts)
    batch.report = plan.report()
    batch.save()
    return batch


def import_preview_save(*, plan: ImportPlan, batch: ImportBatch) -> ImportBatch:
    """Keep a plan's counts and report on a previewed batch (the web page's preview)."""
    return _batch_save(plan, batch, status=ImportStatus.PREVIEWED, counts=plan.counts_summary())


def _import_audit(
    plan: ImportPlan, batch: ImportBatch, *, outcome: str, mode: str, request: HttpRequest | None
) -> None:
    audit_record(
        action="registry.import",
        actor=plan.user,
        actor_name="" if plan.user else "manage.py import_people",
        request=request,
        obj=batch,
        result=AuditResult.FAILED if outcome == "rejected" else AuditResult.OK,
        # Counts and codes only: no names, numbers or file contents in the audit log.
        detail={"source": plan.source.code, "outcome": outcome, "mode": mode, "counts": dict(batch.counts)},
    )


def _reject(plan: ImportPlan, batch: ImportBatch | None, *, mode: str, request: HttpRequest | None) -> ImportResult:
    with transaction.atomic():
        batch = _batch_save(plan, batch, status=ImportStatus.REJECTED, counts=plan.counts_summary({}))
        _import_audit(plan, batch, outcome="rejected", mode=mode, request=request)
    return ImportResult("rejected", batch, plan)


def _imports_serialise() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_IMPORT_LOCK])


@contextmanager
def _page_cache_for_import() -> Iterator[None]:
    """On SQLite, a smaller page cache while importing. The rows an import writes are not read
    again, so the connection's usual 64 MB cache would fill with their pages and stay full: a
    fifth of the import's memory (measured: 296 → 241 MB for 100,000 people, the same CPU time)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


def import_commit(
    *,
    plan: ImportPlan,
    skip_invalid: bool = False,
    batch: ImportBatch | None = None,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Write a plan, all or nothing, in one transaction.

    Strict (default): any problem rejects the file; the batch is stored as rejected with its
    report and nothing else changes. `skip_invalid`: the valid rows go in and the rejected ones
    are written to `rejects_path` (default: next to the file) with the reason. `batch` is the
    previewed batch of the web page, reused. `progress(written)` runs after each chunk.
    """
    mode = "skip_invalid" if skip_invalid else "strict"
    if plan.already_imported is not None:
        with transaction.atomic():
            _import_audit(plan, plan.already_imported, outcome="already_imported", mode=mode, request=request)
        return ImportResult("already_imported", plan.already_imported, plan)
    if plan.file_rejected or (plan.problems and not skip_invalid):
        return _reject(plan, batch, mode=mode, request=request)
    previewed = batch  # after a rollback, only a batch that existed before is still in the database
    written_rejects: Path | None = None
    try:
        with _page_cache_for_import(), transaction.atomic():
            _imports_serialise()
            earlier = ImportBatch.objects.filter(
                source=plan.source, file_sha256=plan.sha256, status=ImportStatus.COMMITTED
            ).first()
            if earlier is not None:  # the same file went in while this one waited for the lock
                plan.already_imported = earlier
                _import_audit(plan, earlier, outcome="already_imported", mode=mode, request=request)
                return ImportResult("already_imported", earlier, plan)
            batch = _batch_save(plan, batch, status=ImportStatus.COMMITTED, counts={})
            merge = _merge_for(plan, batch=batch)
            totals: Counter[str] = Counter()
            conflicts: list[dict[str, Any]] = []
            written = 0
            for chunk in _chunks_to_write(plan, skip_invalid=skip_invalid):
                if not skip_invalid and plan.problems:
                    continue  # the file is refused: the rest is still read, for a complete report
                merged = merge.chunk_plan(chunk)
                plan.problems.extend(merged.problems)
                if merged.problems and not skip_invalid:
                    continue
                merge.chunk_write(merged)
                totals.update(merged.counts)
                conflicts.extend(merged.conflict_reports)
                written += len(chunk)
                if progress is not None:
                    progress(written)
            if plan.problems and not skip_invalid:
                raise _StrictAbort
            if plan.problems:
                written_rejects = rejects_path or rejects_default_path(plan.path, plan.kind)
                assert plan.columns is not None
                rejects_write(
                    path=plan.path,
                    kind=plan.kind,
                    header_row=plan.columns.header_row,
                    reasons=reasons_by_row(plan.problems),
                    target=written_rejects,
                )
                if written_rejects.resolve().is_relative_to(Path(settings.UPLOAD_DIR).resolve()):
                    batch.rejects_file = written_rejects.name
            plan.problems.sort()
            plan.counts, plan.conflicts = totals, conflicts  # what was written, not what was planned
            batch = _batch_save(plan, batch, status=ImportStatus.COMMITTED, counts=plan.counts_summary())
            _import_audit(plan, batch, outcome="committed", mode=mode, request=request)
    except _RepeatedWhileWriting:
        # A person listed twice was found after the first row was written: read the file whole,
        # so that both rows are left out from the start (rare: a file with repeats).
        whole = import_plan(
            path=plan.path,
            source=plan.source,
            filename=plan.filename,
            mapping=plan.mapping,
            user=plan.user,
            compare=False,
        )
        return import_commit(
            plan=whole,
            skip_invalid=True,
            batch=previewed,
            rejects_path=rejects_path,
            progress=progress,
            request=request,
        )
    except _StrictAbort:
        plan.problems.sort()
        return _reject(plan, previewed, mode=mode, request=request)
    except BaseException:
        # Rolled back: a rejects file written for rows that now were not imported would mislead.
        if written_rejects is not None:
            written_rejects.unlink(missing_ok=True)
        raise
    return ImportResult("committed", batch, plan, written_rejects)


def header_aliases_remember(*, mapping: Mapping[str, str], user: User, request: HttpRequest | None = None) -> int:
    """Remember how an admin mapped unknown headers, for every later file. Returns how many."""
    if not user.can(Capability.IMPORT):
        raise Forbidden("import_not_allowed", _("You are not allowed to import data."))
    cleaned = {header_normal(header): target for header, target in mapping.items() if header_normal(header) and target}
    for header, target in cleaned.items():
        if not mapping_target_valid(target):
            raise InvalidInput(
                "mapping_field_unknown",
                _("Column “%(header)s” maps to “%(target)s”, which is not a field.")
                % {"header": header, "target": target},
            )
        if header in {variant for spec in FIELDS.values() for variant in spec.headers}:
            raise InvalidInput(
                "mapping_header_known",
                _("Column “%(header)s” is a standard column and cannot map to another field.") % {"header": header},
            )
    with transaction.atomic():
        for header, target in cleaned.items():
            HeaderAlias.objects.update_or_create(header=header[:100], defaults={"field": target})
        if cleaned:
            audit_record(action="registry.header_alias", actor=user, request=request, detail={"mapping": cleaned})
    return len(cleaned)

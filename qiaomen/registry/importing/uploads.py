"""The import page's way through: an upload is stored, previewed, maybe re-mapped, confirmed.

Uploads live under settings.UPLOAD_DIR with random names from preview to confirm; the plan is
made again at confirm time (the registry may have changed), and the upload is deleted once it
is imported. The rejected rows of a batch hold full ID numbers: their download is audited.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qiaomen.core.models import AuditResult
from qiaomen.registry.importing.files import FileKind, upload_store
from qiaomen.registry.importing.services import (
    ImportPlan,
    ImportResult,
    import_commit,
    import_plan,
    import_preview_save,
)
from qiaomen.registry.models import DataSource, ImportBatch, ImportStatus


def _kept_file(name: str) -> Path | None:
    """A file kept under settings.UPLOAD_DIR by its stored name; None when there is none (any more)."""
    path = Path(settings.UPLOAD_DIR) / name
    return path if name and path.is_file() else None


def _stored_plan(batch: ImportBatch, user: User, *, read: bool = True) -> ImportPlan:
    """Plan a previewed upload again: the registry may have changed since the preview
    (`read=False`: only up to its header, for an import that reads the rows as it writes)."""
    if batch.status == ImportStatus.COMMITTED:
        raise Conflict("import_already_committed", _("This file has already been imported."))
    path = _kept_file(batch.stored_file)
    if path is None:
        raise InvalidInput("upload_gone", _("The uploaded file is gone; please upload it again."))
    return import_plan(path=path, source=batch.source, filename=batch.filename, user=user, read=read)


def import_upload(*, chunks: Iterable[bytes], filename: str, source: DataSource, user: User) -> ImportBatch:
    """Store an upload and keep its plan on a previewed batch; nothing is imported yet."""
    if not user.can(Capability.IMPORT):
        raise Forbidden("import_not_allowed", _("You are not allowed to import data."))
    path = upload_store(chunks=chunks)
    try:
        plan = import_plan(path=path, source=source, filename=filename, user=user)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return import_preview_save(plan=plan, batch=ImportBatch(created_by=user, stored_file=path.name))


def import_preview_refresh(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Plan a previewed upload again, e.g. after its unknown headers were mapped."""
    return import_preview_save(plan=_stored_plan(batch, user), batch=batch)


def import_batch_commit(
    *, batch: ImportBatch, user: User, skip_invalid: bool, request: HttpRequest | None = None
) -> ImportResult:
    """Import a previewed upload; rejected rows go to a file under UPLOAD_DIR for download, and
    the upload itself is deleted once imported."""
    plan = _stored_plan(batch, user, read=False)
    suffix = ".csv" if plan.kind is FileKind.CSV else ".xlsx"
    rejects_path = Path(settings.UPLOAD_DIR) / f"{secrets.token_hex(16)}{suffix}"
    result = import_commit(
        plan=plan, skip_invalid=skip_invalid, batch=batch, rejects_path=rejects_path, request=request
    )
    if result.status == "committed":
        upload_discard(batch=result.batch)
    return result


def import_rejects_open(*, batch: ImportBatch, user: User, request: HttpRequest | None = None) -> Path:
    """The rejected-rows file of a batch, for download. It holds full ID numbers, children's among
    them, and the department's remarks, which can be health notes: it needs the sensitive-data
    permission too (SECURITY.md line 7), and every download or refusal is audited."""
    path = _kept_file(batch.rejects_file)
    if path is None:
        raise NotFound("rejects_gone", _("There are no rejected rows to download."))
    allowed = user.can(Capability.VIEW_SENSITIVE)
    with transaction.atomic():
        audit_record(
            action="registry.import_rejects_download",
            actor=user,
            request=request,
            obj=batch,
            result=AuditResult.OK if allowed else AuditResult.DENIED,
            detail={"rows": batch.counts.get("rejected", 0)},
        )
    if not allowed:
        raise Forbidden(
            "sensitive_export",
            _("Downloading rows that may hold children's or health data requires the sensitive-data permission."),
        )
    return path


def upload_discard(*, batch: ImportBatch) -> None:
    """Delete a stored upload once it is no longer needed: it holds personal data."""
    if not batch.stored_file:
        return
    (Path(settings.UPLOAD_DIR) / batch.stored_file).unlink(missing_ok=True)
    batch.stored_file = ""
    batch.save(update_fields=["stored_file"])

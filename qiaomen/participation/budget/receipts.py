"""What a receipt upload may be (SECURITY.md line 26): a photo of the paper receipt (JPEG, PNG
or WebP, re-encoded without its metadata as every photo here) or a PDF (an e-invoice, 电子发票),
each recognised by its content whatever its name says, within a size limit, stored under a
random name outside the web root, readable by the server only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from qiaomen.core.errors import InvalidInput
from qiaomen.core.photos import CleanPhoto, photo_clean, photo_folder, photo_store
from qiaomen.participation.models.budget import SpendingReceipt

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_RECEIPTS_PER_SPENDING = 5
RECEIPT_FOLDER = "budget-receipts"
PDF_TYPE = "application/pdf"
# The codes of the InvalidInput raised here, so a page can show them next to its file field.
RECEIPT_ERRORS = frozenset({"receipt_type", "receipt_too_large", "too_many_receipts", "photo_type", "photo_too_large"})


@dataclass(frozen=True)
class CleanReceipt:
    data: bytes
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _is_pdf(raw: bytes) -> bool:
    """A PDF starts with its header and ends with its end-of-file marker (within the last
    kilobyte, where writers put it); anything else named .pdf is refused."""
    return raw.startswith(b"%PDF-") and b"%%EOF" in raw[-1024:]


def receipt_clean(raw: bytes) -> CleanReceipt:
    """The receipt ready to store, or InvalidInput."""
    if len(raw) > MAX_RECEIPT_BYTES:
        raise InvalidInput(
            "receipt_too_large",
            _("A receipt may be at most %(limit)s MB.") % {"limit": MAX_RECEIPT_BYTES // (1024 * 1024)},
        )
    if not raw:
        raise InvalidInput("receipt_type", _("The receipt file is empty."))
    if raw.startswith(b"%PDF-"):
        if not _is_pdf(raw):
            raise InvalidInput("receipt_type", _("The PDF is incomplete or damaged."))
        return CleanReceipt(raw, PDF_TYPE, "pdf")
    try:
        photo = photo_clean(raw)
    except InvalidInput as error:
        if error.code == "photo_type":
            raise InvalidInput("receipt_type", _("A receipt must be a photo (JPEG, PNG or WebP) or a PDF.")) from error
        raise
    return CleanReceipt(photo.data, photo.content_type, photo.extension)


def receipts_clean(raws: list[bytes], *, room: int) -> list[CleanReceipt]:
    """Every receipt checked before any is stored, so a bad one leaves no orphan file behind."""
    if len(raws) > room:
        raise InvalidInput(
            "too_many_receipts",
            _("A spending entry may have at most %(limit)s receipts.") % {"limit": MAX_RECEIPTS_PER_SPENDING},
        )
    return [receipt_clean(raw) for raw in raws]


def receipt_store(receipt: CleanReceipt) -> str:
    """Written under a fresh random name (mode 0600, never overwriting); the stored name."""
    return photo_store(CleanPhoto(receipt.data, receipt.content_type, receipt.extension, None), receipt_folder())


def receipt_folder() -> Path:
    return photo_folder(RECEIPT_FOLDER)


def receipt_path(receipt: SpendingReceipt) -> Path:
    return receipt_folder() / receipt.stored_name

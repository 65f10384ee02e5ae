"""Photos taken on a visit, checked and stored the way qiaomen.core.photos keeps every photo.

The location a photo carries is kept on its row (server-side only, never served); the stored
image has no metadata.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from qiaomen.core.photos import (
    MAX_PHOTO_BYTES,
    MAX_PIXELS,
    CleanPhoto,
    photo_clean,
    photo_folder,
    photo_store,
    photos_clean,
)
from qiaomen.visits.models import Visit, VisitPhoto

__all__ = [
    "MAX_PHOTOS_PER_VISIT",
    "MAX_PHOTO_BYTES",
    "MAX_PIXELS",
    "CleanPhoto",
    "photo_clean",
    "photo_dir",
    "visit_photo_add",
    "visit_photo_path",
    "visit_photos_add",
]

MAX_PHOTOS_PER_VISIT = 6
FOLDER = "visit-photos"


def photo_dir() -> Path:
    return photo_folder(FOLDER)


def visit_photo_add(*, visit: Visit, raw: bytes) -> VisitPhoto:
    """Store one more photo of a visit (see `visit_photos_add`)."""
    return visit_photos_add(visit=visit, raws=[raw])[0]


def visit_photos_add(*, visit: Visit, raws: list[bytes]) -> list[VisitPhoto]:
    """Store photos of a visit, all or none: every photo is checked before the first file is
    written, so a bad one leaves no orphan file on disk when the caller's transaction rolls the
    visit back. Each file is written before its row, so a row never points at nothing."""
    cleaned = photos_clean(
        raws,
        room=MAX_PHOTOS_PER_VISIT - visit.photos.count(),
        too_many=_("A visit may have at most %(limit)s photos.") % {"limit": MAX_PHOTOS_PER_VISIT},
    )
    folder = photo_dir()
    return [
        VisitPhoto.objects.create(
            visit=visit,
            stored_name=photo_store(photo, folder),
            content_type=photo.content_type,
            size=len(photo.data),
            sha256=photo.sha256,
            exif_location=photo.location,
        )
        for photo in cleaned
    ]


def visit_photo_path(photo: VisitPhoto) -> Path:
    return photo_dir() / photo.stored_name

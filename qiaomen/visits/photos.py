"""Photos taken on a visit, checked and stored the way qiaomen.core.photos keeps every photo.

The location a photo carries is kept on its row (server-side only, never served); the stored
image has no metadata.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Role
from qiaomen.core.errors import Forbidden
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


# Staff of the visit's places may add photos to a visit someone else recorded; a grid worker
# only to their own (the photo is evidence of *their* knock).
PHOTO_STAFF_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_ADMIN})


def visit_photo_allowed(user: User, visit: Visit) -> bool:
    """Whether `user` may add a photo to `visit` (which the caller found in the user's places)."""
    return visit.worker_id == user.pk or user.role in PHOTO_STAFF_ROLES


def visit_photo_add(*, visit: Visit, user: User, raw: bytes) -> VisitPhoto:
    """Store one more photo of a visit (see `visit_photos_add`), if the user may add one. The same
    photo sent again (a phone that lost the answer to its upload) is the photo already stored."""
    if not visit_photo_allowed(user, visit):
        raise Forbidden("photo_not_your_visit", _("You can only upload photos for your own visits."))
    stored = visit.photos.filter(sha256=photo_clean(raw).sha256).first()
    return stored or visit_photos_add(visit=visit, raws=[raw])[0]


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

"""Photos uploaded by staff: checked by content, size-limited, stored without their metadata.

A phone's JPEG carries where it was taken (EXIF GPS). That position is evidence for the
street office, not something to hand to whoever later opens the photo, so it is read out for
the database and the image is stored re-encoded without any metadata (SECURITY.md line 26).
Visits and tickets both keep photos this way; each keeps its own rows and folder.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from qiaomen.core.errors import InvalidInput

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
GPS_IFD = 0x8825
# The codes of the InvalidInput raised here, so a page can show them next to its photo field.
PHOTO_ERRORS = frozenset({"photo_type", "photo_too_large", "too_many_photos"})


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str
    location: dict[str, float] | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _dms_to_degrees(value: Any, ref: str) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    sign = -1 if ref in ("S", "W") else 1
    return sign * (degrees + minutes / 60 + seconds / 3600)


def _gps(image: Image.Image) -> dict[str, float] | None:
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        if 2 in gps and 4 in gps:
            return {
                "lat": round(_dms_to_degrees(gps[2], gps.get(1, "N")), 6),
                "lng": round(_dms_to_degrees(gps[4], gps.get(3, "E")), 6),
            }
    except (TypeError, ValueError, ZeroDivisionError, KeyError):
        pass
    return None


def _storable_mode(mode: str, kind: str) -> str:
    if mode == "L":
        return "L"
    if kind != "JPEG" and mode in ("RGBA", "LA", "PA", "P"):
        return "RGBA"
    return "RGB"


def photo_clean(raw: bytes) -> CleanPhoto:
    """The photo re-encoded without metadata, or InvalidInput. Whatever its name says, only a
    real JPEG, PNG or WebP image is accepted."""
    if len(raw) > MAX_PHOTO_BYTES:
        raise InvalidInput(
            "photo_too_large", _("A photo may be at most %(limit)s MB.") % {"limit": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise InvalidInput("photo_type", _("Only JPEG, PNG or WebP photos can be uploaded."))
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput("photo_too_large", _("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            location = _gps(image)
            image.load()
            # A fresh image holding only the pixels: no EXIF, XMP or text chunks survive.
            mode = _storable_mode(image.mode, kind)
            pixels = Image.new(mode, image.size)
            pixels.paste(image.convert(mode))
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidInput("photo_type", _("The file is not a valid photo.")) from exc
    content_type, extension = FORMATS[kind]
    out = io.BytesIO()
    pixels.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    return CleanPhoto(out.getvalue(), content_type, extension, location)


def photos_clean(raws: list[bytes], *, room: int, too_many: str) -> list[CleanPhoto]:
    """Every photo checked before any is stored, so a bad one leaves no orphan file behind when
    the caller's transaction rolls back. `room` is how many more the record may hold; `too_many`
    the message when they do not fit."""
    if len(raws) > room:
        raise InvalidInput("too_many_photos", too_many)
    return [photo_clean(raw) for raw in raws]


def photo_folder(name: str) -> Path:
    """A folder under settings.UPLOAD_DIR (read at call time, so tests can point it elsewhere)."""
    path = Path(settings.UPLOAD_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_store(photo: CleanPhoto, folder: Path) -> str:
    """Write the photo under a fresh random name, readable by the server only, and return the
    name. The caller creates its row afterwards, so a row never points at nothing; "x" mode
    refuses to overwrite should two names ever collide."""
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    path = folder / name
    with open(path, "xb") as handle:
        handle.write(photo.data)
    path.chmod(0o600)
    return name

"""Photos taken on a visit: checked by content, size-limited, stored without their metadata.

A phone's JPEG carries where it was taken (EXIF GPS). That position is evidence for the
street office, not something to hand to whoever later opens the photo, so it is read into the
database and the image is stored re-encoded without any metadata (SECURITY.md line 26).
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from qiaomen.core.errors import InvalidInput
from qiaomen.visits.models import Visit, VisitPhoto

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_PHOTOS_PER_VISIT = 6
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
GPS_IFD = 0x8825


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str
    location: dict[str, float] | None


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
        raise InvalidInput("photo_too_large", f"照片不能超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise InvalidInput("photo_type", "只能上传 JPEG、PNG 或 WebP 格式的照片")
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput("photo_too_large", "照片像素过大")
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            location = _gps(image)
            image.load()
            # A fresh image holding only the pixels: no EXIF, XMP or text chunks survive.
            mode = _storable_mode(image.mode, kind)
            pixels = Image.new(mode, image.size)
            pixels.paste(image.convert(mode))
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidInput("photo_type", "文件不是有效的照片") from exc
    content_type, extension = FORMATS[kind]
    out = io.BytesIO()
    pixels.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    return CleanPhoto(out.getvalue(), content_type, extension, location)


def photo_dir() -> Path:
    path = Path(settings.UPLOAD_DIR) / "visit-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def visit_photo_add(*, visit: Visit, raw: bytes) -> VisitPhoto:
    """Store one more photo of a visit (see `visit_photos_add`)."""
    return visit_photos_add(visit=visit, raws=[raw])[0]


def visit_photos_add(*, visit: Visit, raws: list[bytes]) -> list[VisitPhoto]:
    """Store photos of a visit under random names, all or none: every photo is checked before
    the first file is written, so a bad one leaves no orphan file on disk when the caller's
    transaction rolls the visit back. Each file is written before its row, so a row never
    points at nothing."""
    if visit.photos.count() + len(raws) > MAX_PHOTOS_PER_VISIT:
        raise InvalidInput("too_many_photos", f"每次走访最多上传 {MAX_PHOTOS_PER_VISIT} 张照片")
    cleaned = [photo_clean(raw) for raw in raws]
    stored: list[VisitPhoto] = []
    for photo in cleaned:
        name = f"{secrets.token_hex(16)}.{photo.extension}"
        path = photo_dir() / name
        with open(path, "xb") as handle:
            handle.write(photo.data)
        path.chmod(0o600)
        stored.append(
            VisitPhoto.objects.create(
                visit=visit,
                stored_name=name,
                content_type=photo.content_type,
                size=len(photo.data),
                sha256=hashlib.sha256(photo.data).hexdigest(),
                exif_location=photo.location,
            )
        )
    return stored


def visit_photo_path(photo: VisitPhoto) -> Path:
    return photo_dir() / photo.stored_name

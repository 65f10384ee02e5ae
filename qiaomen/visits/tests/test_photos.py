"""Visit photos: content-checked, size-limited, stored without location metadata."""

from __future__ import annotations

import io
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from qiaomen.accounts.roles import Role
from qiaomen.core.errors import Forbidden, InvalidInput
from qiaomen.testing import SmallStreet, make_user
from qiaomen.visits.models import Outcome, Visit
from qiaomen.visits.photos import photo_clean, visit_photo_add, visit_photo_path


def jpeg_with_gps(lat: float = 31.2304, lng: float = 121.4737) -> bytes:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (degrees, minutes, round(((value - degrees) * 60 - minutes) * 60, 4))

    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lng)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_location_is_read_and_the_stored_image_has_no_metadata() -> None:
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)
    clean = photo_clean(raw)
    assert clean.location is not None and abs(clean.location["lat"] - 31.2304) < 1e-3
    stored = Image.open(io.BytesIO(clean.data))
    assert not stored.getexif() and clean.content_type == "image/jpeg"


@pytest.mark.parametrize(
    "raw",
    [b"MZ\x90\x00" + b"\x00" * 200, b"\x89PNG\r\n\x1a\n" + b"not really a png", b"GIF89a" + b"\x00" * 50],
    ids=["renamed executable", "fake png header", "gif"],
)
def test_security_26_anything_but_a_real_photo_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidInput) as error:
        photo_clean(raw)
    assert error.value.code == "photo_type"


def test_an_oversized_file_is_refused_before_decoding() -> None:
    with pytest.raises(InvalidInput) as error:
        photo_clean(b"\xff\xd8\xff" + b"\x00" * (8 * 1024 * 1024 + 1))
    assert error.value.code == "photo_too_large"


@pytest.mark.django_db
def test_a_photo_is_stored_under_a_random_name(small_street: SmallStreet, tmp_path: object) -> None:
    with override_settings(UPLOAD_DIR=tmp_path):
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            household=small_street.household_a,
            grid=small_street.grid_a,
            worker=small_street.users["worker_a"],
            visited_at="2026-11-16T02:00:00Z",
            received_at="2026-11-16T02:00:00Z",
            outcome=Outcome.MET,
        )
        photo = visit_photo_add(visit=visit, user=visit.worker, raw=jpeg_with_gps())
        path = visit_photo_path(photo)
        assert path.exists() and path.suffix == ".jpg" and len(path.stem) == 32
        assert photo.exif_location is not None


def test_a_grid_worker_adds_photos_to_their_own_visits_only_staff_to_any_of_their_places(
    small_street: SmallStreet,
) -> None:
    from qiaomen.visits.photos import visit_photo_allowed

    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        household=small_street.household_a,
        grid=small_street.grid_a,
        worker=small_street.users["worker_a"],
        visited_at=timezone.now(),
        received_at=timezone.now(),
        outcome="met",
    )
    colleague = make_user("worker_a2", Role.GRID_WORKER, places=(small_street.grid_a,))
    assert visit_photo_allowed(small_street.users["worker_a"], visit)
    assert not visit_photo_allowed(colleague, visit)
    assert visit_photo_allowed(small_street.users["community_staff"], visit)
    with pytest.raises(Forbidden) as refused:
        visit_photo_add(visit=visit, user=colleague, raw=jpeg_with_gps())
    assert refused.value.code == "photo_not_your_visit"

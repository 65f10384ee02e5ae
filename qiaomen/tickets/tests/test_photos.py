"""Ticket photos: checked like visit photos, all or none, at most six, seen only with the ticket."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.http import Http404
from PIL import Image
from pytest_django.fixtures import Settings

from qiaomen.core.errors import InvalidInput
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, PhotoKind, Subcategory, Ticket, TicketPhoto
from qiaomen.tickets.selectors import ticket_photo_for_user
from qiaomen.tickets.services import MAX_PHOTOS_PER_TICKET, ticket_create, ticket_photo_path, ticket_photos_add
from qiaomen.visits.tests.test_photos import jpeg_with_gps

pytestmark = pytest.mark.django_db

RENAMED_EXECUTABLE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture
def uploads(settings: Settings, tmp_path: Path) -> Path:
    settings.UPLOAD_DIR = tmp_path
    return tmp_path / "ticket-photos"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 200, 30)).save(out, format="PNG")
    return out.getvalue()


def grid_b_ticket(street: SmallStreet) -> Ticket:
    """LIF-FAC goes to 住建: neither grid A's worker nor the 民政 handler may see it."""
    return ticket_create(
        channel=Channel.STAFF,
        description="电梯坏了",
        subcategory=Subcategory.objects.get(code="LIF-FAC"),
        household=street.household_b,
        created_by=street.users["worker_b"],
    )


def test_security_26_photos_are_stored_without_metadata_under_random_names(
    small_street: SmallStreet, uploads: Path
) -> None:
    ticket = grid_b_ticket(small_street)
    worker = small_street.users["worker_b"]
    jpeg, plain = ticket_photos_add(ticket=ticket, user=worker, raws=[jpeg_with_gps(), png()], kind=PhotoKind.REPORT)
    path = ticket_photo_path(jpeg)
    assert path.parent == uploads and path.suffix == ".jpg" and len(path.stem) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not Image.open(path).getexif()  # the location is in the row only
    assert jpeg.exif_location is not None and abs(jpeg.exif_location["lat"] - 31.2304) < 1e-3
    assert (jpeg.content_type, plain.content_type, plain.exif_location) == ("image/jpeg", "image/png", None)
    assert (jpeg.kind, jpeg.uploaded_by, jpeg.size) == (PhotoKind.REPORT, worker, path.stat().st_size)


def test_one_bad_photo_stores_none(small_street: SmallStreet, uploads: Path) -> None:
    ticket = grid_b_ticket(small_street)
    with pytest.raises(InvalidInput) as error:
        ticket_photos_add(ticket=ticket, user=None, raws=[png(), RENAMED_EXECUTABLE], kind=PhotoKind.REPORT)
    assert error.value.code == "photo_type"
    assert not TicketPhoto.objects.exists()
    assert not uploads.exists() or not any(uploads.iterdir())


def test_at_most_six_photos_per_ticket(small_street: SmallStreet, uploads: Path) -> None:
    ticket = grid_b_ticket(small_street)
    ticket_photos_add(ticket=ticket, user=None, raws=[png()] * (MAX_PHOTOS_PER_TICKET - 1), kind=PhotoKind.REPORT)
    with pytest.raises(InvalidInput) as error:
        ticket_photos_add(ticket=ticket, user=None, raws=[png(), png()], kind=PhotoKind.RESOLUTION)
    assert error.value.code == "too_many_photos"
    ticket_photos_add(ticket=ticket, user=None, raws=[png()], kind=PhotoKind.RESOLUTION)
    assert ticket.photos.count() == MAX_PHOTOS_PER_TICKET == len(list(uploads.iterdir()))


def test_an_unknown_kind_is_refused(small_street: SmallStreet, uploads: Path) -> None:
    with pytest.raises(InvalidInput):
        ticket_photos_add(ticket=grid_b_ticket(small_street), user=None, raws=[png()], kind="selfie")


def test_a_photo_is_seen_only_by_who_sees_its_ticket(small_street: SmallStreet, uploads: Path) -> None:
    (photo,) = ticket_photos_add(ticket=grid_b_ticket(small_street), user=None, raws=[png()], kind=PhotoKind.REPORT)
    assert ticket_photo_for_user(small_street.users["worker_b"], photo.pk) == photo
    for outsider in ("worker_a", "dept_handler", "building_chief", "auditor"):
        with pytest.raises(Http404):
            ticket_photo_for_user(small_street.users[outsider], photo.pk)

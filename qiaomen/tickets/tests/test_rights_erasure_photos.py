"""SECURITY 9, delete: the photos of the person's tickets and of their household's visits go with
the erasure (a photo may show them or their home); other people's photos stay."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytest_django.fixtures import Settings

from qiaomen.registry.models import RightsKind, RightsStatus
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import PhotoKind, TicketPhoto
from qiaomen.tickets.rights.erasure import rights_request_erase
from qiaomen.tickets.services import ticket_photos_add
from qiaomen.tickets.services.photos import ticket_photo_path
from qiaomen.tickets.tests.rights_helpers import in_progress, ticket_about, visit_with_notes
from qiaomen.visits.models import VisitPhoto
from qiaomen.visits.photos import visit_photo_path, visit_photos_add

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 90, 60)).save(out, format="PNG")
    return out.getvalue()


def test_security_9_delete_removes_the_photos_of_their_tickets_and_household_visits(
    small_street: SmallStreet,
    settings: Settings,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    s = small_street
    worker = s.users["worker_a"]
    (theirs,) = ticket_photos_add(
        ticket=ticket_about(s, s.elder_a, "门口台阶坏了"), user=worker, raws=[_png()], kind=PhotoKind.REPORT
    )
    (at_home,) = visit_photos_add(visit=visit_with_notes(s, s.elder_a, "家中照片"), raws=[_png()])
    (someone_elses,) = ticket_photos_add(
        ticket=ticket_about(s, s.resident_b, "电梯坏了", code="LIF-ERR"),
        user=s.users["worker_b"],
        raws=[_png()],
        kind=PhotoKind.REPORT,
    )
    files = [ticket_photo_path(theirs), visit_photo_path(at_home), ticket_photo_path(someone_elses)]
    assert all(path.exists() for path in files)

    row = in_progress(s, s.elder_a, RightsKind.DELETE, by="street_admin")
    with django_capture_on_commit_callbacks(execute=True):
        done = rights_request_erase(rights_request=row, user=s.users["street_admin"], person_version=s.elder_a.version)

    assert not TicketPhoto.objects.filter(pk=theirs.pk).exists() and not files[0].exists()
    assert not VisitPhoto.objects.filter(pk=at_home.pk).exists() and not files[1].exists()
    assert TicketPhoto.objects.filter(pk=someone_elses.pk).exists() and files[2].exists()
    assert done.status == RightsStatus.DONE

"""Staff entry: the keywords suggest a category, the person confirms or changes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, PhotoKind, Ticket, TicketPhoto
from qiaomen.visits.tests.test_photos import jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_suggest_then_confirm(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    client = client_as("worker_a")
    data = {"description": "孩子转学需要学位", "household": str(small_street.household_a.pk)}
    suggested = client.post(reverse("web:ticket_new"), {**data, "suggest": "1"})
    assert suggested.status_code == 200
    assert suggested.context["form"]["subcategory"].value() == "POL-EDU"
    assert not Ticket.objects.exists()
    created = client.post(reverse("web:ticket_new"), {**data, "subcategory": "POL-EDU", "create": "1"})
    assert created.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.subcategory.code, ticket.household) == (
        Channel.STAFF,
        "POL-EDU",
        small_street.household_a,
    )


def test_the_person_may_choose_another_category(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    data = {"description": "孩子转学需要学位", "subcategory": "LIF-EDU", "create": "1"}
    assert client_as("worker_a").post(reverse("web:ticket_new"), data).status_code == 302
    assert Ticket.objects.get().subcategory.code == "LIF-EDU"


def test_a_household_outside_the_workers_places_is_404(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    data = {"description": "电梯坏了", "subcategory": "LIF-FAC", "household": str(small_street.household_b.pk)}
    assert client_as("worker_a").post(reverse("web:ticket_new"), data).status_code == 404
    assert not Ticket.objects.exists()


def test_departments_do_not_enter_tickets(client_as: Callable[[str], Client]) -> None:
    assert client_as("dept_handler").get(reverse("web:ticket_new")).status_code == 403


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_photos_entered_with_the_demand_are_stored_with_the_ticket(
    small_street: SmallStreet, client_as: Callable[[str], Client], settings: Settings, tmp_path: Path
) -> None:
    settings.UPLOAD_DIR = tmp_path
    data = {"description": "楼道灯坏了", "subcategory": "LIF-FAC", "create": "1"}
    photos = [_upload("a.jpg", jpeg_with_gps()), _upload("b.jpg", jpeg_with_gps())]
    assert client_as("worker_a").post(reverse("web:ticket_new"), {**data, "photos": photos}).status_code == 302
    ticket = Ticket.objects.get()
    assert [photo.kind for photo in ticket.photos.all()] == [PhotoKind.REPORT, PhotoKind.REPORT]
    assert all(photo.uploaded_by == small_street.users["worker_a"] for photo in ticket.photos.all())


def test_a_bad_photo_creates_no_ticket(
    small_street: SmallStreet, client_as: Callable[[str], Client], settings: Settings, tmp_path: Path
) -> None:
    settings.UPLOAD_DIR = tmp_path
    data = {"description": "楼道灯坏了", "subcategory": "LIF-FAC", "create": "1"}
    photos = [_upload("good.jpg", jpeg_with_gps()), _upload("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200)]
    response = client_as("worker_a").post(reverse("web:ticket_new"), {**data, "photos": photos})
    assert response.status_code == 422
    assert response.context["form"].errors["photos"]
    assert not Ticket.objects.exists() and not TicketPhoto.objects.exists()
    assert not AuditEntry.objects.filter(action="ticket.create").exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_the_entry_form_takes_several_images(client_as: Callable[[str], Client]) -> None:
    content = client_as("worker_a").get(reverse("web:ticket_new")).content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'type="file"' in content and 'accept="image/*"' in content and "multiple" in content

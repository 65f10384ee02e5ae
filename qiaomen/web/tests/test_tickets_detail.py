"""The ticket page: timeline, and each transition through its form, with 409 when someone acted first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qiaomen.accounts.models import Department
from qiaomen.accounts.roles import Role
from qiaomen.testing import SmallStreet, make_user
from qiaomen.tickets.models import PhotoKind, RatingLink, Status, Ticket, TicketPhoto
from qiaomen.tickets.services import (
    ticket_accept,
    ticket_photo_path,
    ticket_photos_add,
    ticket_resolve,
    ticket_start,
)
from qiaomen.visits.tests.test_photos import jpeg_with_gps
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def _post(client: Client, name: str, ticket: Ticket, **data: str) -> int:
    return client.post(reverse(name, args=[ticket.pk]), data).status_code


def test_the_handler_walks_a_ticket_to_resolved_and_the_worker_confirms(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    handler = client_as("dept_handler")
    page = handler.get(reverse("web:ticket_detail", args=[ticket.pk]))
    assert page.status_code == 200
    assert list(page.context["actions"]) == ["accept", "transfer", "return"]
    # The registry file is not the department's (SECURITY 5): the address, no link to it.
    assert reverse("web:household_detail", args=[small_street.household_a.pk]) not in page.content.decode()
    assert _post(handler, "web:ticket_accept", ticket) == 302
    assert _post(handler, "web:ticket_start", ticket) == 302
    assert _post(handler, "web:ticket_resolve", ticket, note="已安排助餐") == 302
    assert _post(client_as("worker_a"), "web:ticket_confirm", ticket) == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.worker_confirmed_by == small_street.users["worker_a"]
    timeline = [
        entry.event.action
        for entry in client_as("worker_a").get(reverse("web:ticket_detail", args=[ticket.pk])).context["events"]
    ]
    assert timeline == ["create", "accept", "start", "resolve", "confirm"]


def test_accepting_a_ticket_someone_else_took_meanwhile_is_409(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    colleague = make_user("dept_minzheng2", Role.DEPARTMENT_HANDLER, department=Department.objects.get(code="minzheng"))
    ticket_accept(ticket=Ticket.objects.get(pk=ticket.pk), user=colleague)
    response = client_as("dept_handler").post(reverse("web:ticket_accept", args=[ticket.pk]))
    assert response.status_code == 409
    assert "不能执行该操作" in response.content.decode()


def test_transfer_and_return_need_a_reason(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    ticket = make_ticket(small_street)
    handler = client_as("dept_handler")
    education = Department.objects.get(code="jiaoyu")
    assert _post(handler, "web:ticket_transfer", ticket, department=str(education.pk), reason="") == 422
    assert _post(handler, "web:ticket_return", ticket, reason="") == 422
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ROUTED
    assert _post(handler, "web:ticket_transfer", ticket, department=str(education.pk), reason="属于教育部门") == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.department) == (Status.TRANSFERRED, education)
    # Now 教育's ticket: 民政's handler no longer finds it.
    assert handler.get(reverse("web:ticket_detail", args=[ticket.pk])).status_code == 404


def test_a_returned_ticket_is_resubmitted_by_the_grid_worker(
    small_street: SmallStreet, client_as: Callable[[str], Client]
) -> None:
    ticket = make_ticket(small_street)
    assert _post(client_as("dept_handler"), "web:ticket_return", ticket, reason="请补充门牌号") == 302
    assert _post(client_as("worker_a"), "web:ticket_resubmit", ticket, reason="三单元101") == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ROUTED


def test_another_departments_handler_gets_404(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    ticket = make_ticket(small_street, code="POL-EDU")  # 教育
    handler = client_as("dept_handler")
    assert handler.get(reverse("web:ticket_detail", args=[ticket.pk])).status_code == 404
    assert _post(handler, "web:ticket_accept", ticket) == 404


def test_only_the_grids_worker_confirms(small_street: SmallStreet, client_as: Callable[[str], Client]) -> None:
    ticket = make_ticket(small_street)
    handler = small_street.users["dept_handler"]
    ticket_accept(ticket=ticket, user=handler)
    ticket_resolve(ticket=Ticket.objects.get(pk=ticket.pk), user=handler, note="已办")
    assert _post(client_as("worker_b"), "web:ticket_confirm", ticket) == 404  # not grid B's ticket
    assert _post(client_as("dept_handler"), "web:ticket_confirm", ticket) == 403
    assert Ticket.objects.get(pk=ticket.pk).worker_confirmed_at is None


def _in_progress(street: SmallStreet) -> Ticket:
    handler = street.users["dept_handler"]
    ticket = ticket_accept(ticket=make_ticket(street), user=handler)
    return ticket_start(ticket=ticket, user=handler)


def test_the_handler_resolves_with_a_photo_listed_on_the_ticket(
    small_street: SmallStreet, client_as: Callable[[str], Client], settings: Settings, tmp_path: Path
) -> None:
    settings.UPLOAD_DIR = tmp_path
    ticket = _in_progress(small_street)
    handler = client_as("dept_handler")
    page = handler.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept="image/*"' in page
    photo_file = SimpleUploadedFile("result.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = handler.post(reverse("web:ticket_resolve", args=[ticket.pk]), {"note": "已送餐", "photos": [photo_file]})
    assert response.status_code == 302
    ticket.refresh_from_db()
    photo = ticket.photos.get()
    assert (ticket.status, photo.kind, photo.uploaded_by) == (
        Status.RESOLVED,
        PhotoKind.RESOLUTION,
        small_street.users["dept_handler"],
    )
    detail = client_as("worker_a").get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
    assert reverse("web:ticket_photo", args=[photo.pk]) in detail
    assert "31.23" not in detail and "121.47" not in detail  # where it was taken stays on the server


def test_a_bad_photo_leaves_the_ticket_unresolved(
    small_street: SmallStreet, client_as: Callable[[str], Client], settings: Settings, tmp_path: Path
) -> None:
    settings.UPLOAD_DIR = tmp_path
    ticket = _in_progress(small_street)
    photos = [
        SimpleUploadedFile("good.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg"),
    ]
    response = client_as("dept_handler").post(
        reverse("web:ticket_resolve", args=[ticket.pk]), {"note": "已送餐", "photos": photos}
    )
    assert response.status_code == 422
    assert response.context["actions"]["resolve"].errors["photos"]
    assert response.context["ticket"].status == Status.IN_PROGRESS
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_note, ticket.version) == (Status.IN_PROGRESS, "", 3)
    assert not ticket.events.filter(action="resolve").exists()
    assert not RatingLink.objects.filter(ticket=ticket).exists() and not TicketPhoto.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_security_26_a_photo_is_served_as_a_download_with_nosniff_only_to_who_sees_its_ticket(
    small_street: SmallStreet, client_as: Callable[[str], Client], settings: Settings, tmp_path: Path
) -> None:
    settings.UPLOAD_DIR = tmp_path
    ticket = make_ticket(small_street, code="LIF-FAC", grid_b=True)  # grid B, routed to 住建
    (photo,) = ticket_photos_add(
        ticket=ticket, user=small_street.users["worker_b"], raws=[jpeg_with_gps()], kind=PhotoKind.REPORT
    )
    url = reverse("web:ticket_photo", args=[photo.pk])
    assert url == f"/tickets/photos/{photo.pk}/"
    response = client_as("worker_b").get(url)
    assert response.status_code == 200
    assert isinstance(response, FileResponse), "a photo is streamed from its file"
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == ticket_photo_path(photo).read_bytes()
    for outsider in ("worker_a", "dept_handler"):  # grid A's worker; 民政, another department
        assert client_as(outsider).get(url).status_code == 404

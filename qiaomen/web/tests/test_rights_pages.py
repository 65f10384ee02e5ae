"""The staff's rights-request pages (SECURITY.md line 9): received from a person card, listed with
their deadlines, carried out (see, correct, delete) and recorded, scoped like the files they touch."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qiaomen.core.models import AuditEntry
from qiaomen.registry.models import RecordChange, RightsChannel, RightsKind, RightsRequest, RightsStatus
from qiaomen.registry.person_edit import ERASED_NAME
from qiaomen.testing import SmallStreet
from qiaomen.tickets.doorcodes.codes import door_code_issue
from qiaomen.tickets.rights.requests import rights_request_receive
from qiaomen.tickets.tests.rights_helpers import in_progress, received, ticket_about

pytestmark = pytest.mark.django_db
SignIn = Callable[[str], Client]


def test_security_9_a_request_is_recorded_from_the_person_card(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    client = client_as("worker_a")
    card = client.get(reverse("web:person_detail", args=[s.elder_a.pk]))
    new_url = reverse("web:rights_receive", args=[s.elder_a.pk])
    assert new_url in card.content.decode()
    answer = client.post(new_url, {"kind": RightsKind.CORRECT, "text": "电话号码错了"})
    row = RightsRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("web:rights_detail", args=[row.pk])
    assert (row.person, row.channel, row.received_by, row.text) == (
        s.elder_a,
        RightsChannel.STAFF,
        s.users["worker_a"],
        "电话号码错了",
    )
    assert client.post(new_url, {"kind": "forget"}).status_code == 422
    assert RightsRequest.objects.count() == 1


def test_the_list_shows_deadlines_and_only_the_users_places(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    received(s, s.elder_a, RightsKind.SEE)
    received(s, s.resident_b, RightsKind.DELETE, by="worker_b")
    page = client_as("worker_a").get(reverse("web:rights_list")).content.decode()
    assert s.elder_a.name in page and s.resident_b.name not in page
    assert client_as("building_chief").get(reverse("web:rights_list")).status_code == 403


def test_security_9_see_downloads_an_audited_export_never_cached(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    row = in_progress(s, s.elder_a, RightsKind.SEE)
    client = client_as("worker_a")
    url = reverse("web:rights_export", args=[row.pk])
    assert client.get(url).status_code == 405  # a download that leaves a trace is a POST
    answer = client.post(url)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store" and answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"] == f'attachment; filename="rights-request-{row.pk}.xlsx"'
    person_sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert s.elder_a.id_number in {str(cell.value) for line in person_sheet.iter_rows() for cell in line}
    assert AuditEntry.objects.filter(action="rightsrequest.export", object_id=str(row.pk)).count() == 1
    client.post(reverse("web:rights_see_done", args=[row.pk]), {"outcome": "当面交给本人"})
    row.refresh_from_db()
    assert (row.status, row.outcome) == (RightsStatus.DONE, "当面交给本人")


def test_security_9_correct_through_the_page_shows_a_masked_history(
    small_street: SmallStreet, client_as: SignIn
) -> None:
    s = small_street
    elder = s.elder_a
    row = in_progress(s, elder, RightsKind.CORRECT)
    client = client_as("worker_a")
    url = reverse("web:rights_correct", args=[row.pk])
    form = client.get(url).content.decode()
    assert "13800001111" not in form and "138****1111" in form  # the full number only by unmasking
    values = {"version": elder.version, "name": elder.name, "phone": "13900001234", "care_notes": elder.care_notes}
    assert client.post(url, values).status_code == 302
    card = client.get(reverse("web:person_detail", args=[elder.pk])).content.decode()
    assert "138****1111" in card and "139****1234" in card and "13900001234" not in card
    assert RecordChange.objects.filter(object_id=elder.pk, field="phone").count() == 1


def test_a_correction_from_a_stale_page_is_a_conflict(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    elder = s.elder_a
    row = in_progress(s, elder, RightsKind.CORRECT)
    client = client_as("worker_a")
    url = reverse("web:rights_correct", args=[row.pk])
    values = {"version": elder.version - 1, "name": elder.name, "phone": "13900001234"}
    answer = client.post(url, values)
    assert answer.status_code == 422
    assert "重新打开" in answer.content.decode()
    elder.refresh_from_db()
    assert elder.phone == "13800001111"


def test_security_9_delete_through_the_page(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    elder = s.elder_a
    ticket = ticket_about(s, elder, "王秀英想订老年餐")
    row = in_progress(s, elder, RightsKind.DELETE, by="street_admin")
    client = client_as("street_admin")
    url = reverse("web:rights_erase", args=[row.pk])
    assert client.post(url, {"version": elder.version}).status_code == 422  # not confirmed
    assert client.post(url, {"version": elder.version, "confirm": "on"}).status_code == 302
    elder.refresh_from_db()
    row.refresh_from_db()
    assert (elder.name, row.status) == (ERASED_NAME, RightsStatus.DONE)
    timeline = client.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
    assert "应居民申请已删除文字内容" in timeline and "王秀英想订老年餐" not in timeline


def test_a_qr_request_is_tied_to_the_member_staff_choose(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    code, _ = door_code_issue(household=s.household_a, user=s.users["worker_a"])
    row, _ = rights_request_receive(
        household=s.household_a, kind=RightsKind.SEE, channel=RightsChannel.QR, door_code=code
    )
    client = client_as("worker_a")
    url = reverse("web:rights_identify", args=[row.pk])
    assert client.post(url, {"person": s.resident_b.pk}).status_code == 422  # not of this household
    assert client.post(url, {"person": s.elder_a.pk}).status_code == 302
    row.refresh_from_db()
    assert row.person == s.elder_a


def test_grid_bs_request_is_a_404_for_grid_as_worker(small_street: SmallStreet, client_as: SignIn) -> None:
    s = small_street
    row = in_progress(s, s.resident_b, RightsKind.SEE, by="worker_b")
    client = client_as("worker_a")
    assert client.get(reverse("web:rights_detail", args=[row.pk])).status_code == 404
    assert client.post(reverse("web:rights_export", args=[row.pk])).status_code == 404
    assert client.post(reverse("web:rights_receive", args=[s.resident_b.pk]), {"kind": "see"}).status_code == 404
    assert not AuditEntry.objects.filter(action="rightsrequest.export").exists()


def test_the_list_reads_the_same_number_of_queries_whatever_the_number_of_requests(
    small_street: SmallStreet, client_as: SignIn
) -> None:
    s = small_street
    client = client_as("worker_a")
    received(s, s.elder_a, RightsKind.SEE)
    url = reverse("web:rights_list")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for kind in (RightsKind.CORRECT, RightsKind.DELETE, RightsKind.SEE):
        received(s, s.child_a, kind)
    with CaptureQueriesContext(connection) as four:
        assert "王小明" in client.get(url).content.decode()
    assert len(four.captured_queries) == len(one.captured_queries)

"""Residents' rights requests (SECURITY.md line 9, PIPL arts. 45-47): recorded, due in 15
working days, and carried out: *see* as a decrypted, audited export, *correct* through the person
edit with a masked from→to history, *delete* as an anonymisation that keeps every figure."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count
from openpyxl import load_workbook

from qiaomen.analytics.ticket_figures import ticket_figures_total
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.models import AuditEntry, TransitionEvent
from qiaomen.registry.identity import id_number_index, phone_index
from qiaomen.registry.models import Household, Person, RecordChange, RightsKind, RightsStatus, Tag
from qiaomen.registry.person_edit import ERASED_NAME, person_edit
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import ClassificationCorrection, Ticket, TicketEvent
from qiaomen.tickets.rights.erasure import rights_request_erase
from qiaomen.tickets.rights.export import rights_request_export
from qiaomen.tickets.rights.requests import (
    rights_request_correct,
    rights_request_refuse,
    rights_request_see_done,
)
from qiaomen.tickets.rights.selectors import rights_request_history, rights_request_rows
from qiaomen.tickets.tests.rights_helpers import in_progress, received, ticket_about, visit_with_notes
from qiaomen.visits.coverage import coverage_report
from qiaomen.visits.models import Visit
from qiaomen.visits.periods import PeriodKind, period_containing

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")
# Monday 28 September 2026, 10:00 in China: National Day (1-7 October, 10 October worked) lies
# within the next 15 working days, which end on Friday 23 October instead of Monday 19 October.
BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 28, 10, 0, tzinfo=CHINA)
DUE = dt.datetime(2026, 10, 23, 10, 0, tzinfo=CHINA)


def test_security_9_deadline_is_15_working_days_on_the_ticket_calendar_across_a_holiday(
    small_street: SmallStreet,
) -> None:
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        row = received(small_street, small_street.elder_a, RightsKind.SEE)
    assert row.due_at == DUE
    worker = small_street.users["worker_a"]
    for moment, overdue in [
        (DUE - dt.timedelta(minutes=1), False),
        (DUE, False),
        (DUE + dt.timedelta(minutes=1), True),
    ]:
        with time_machine.travel(moment, tick=False):
            assert [r.overdue for r in rights_request_rows(worker, now=moment)] == [overdue]


def test_security_9_requests_are_listed_open_first_by_deadline_and_scoped(small_street: SmallStreet) -> None:
    s = small_street
    with time_machine.travel(BEFORE_NATIONAL_DAY, tick=False):
        older = received(s, s.elder_a, RightsKind.SEE)
    newer = received(s, s.elder_a, RightsKind.CORRECT)
    refused = in_progress(s, s.elder_a, RightsKind.DELETE)
    rights_request_refuse(rights_request=refused, user=s.users["worker_a"], reason="已核实不是本人")
    received(s, s.resident_b, RightsKind.SEE, by="worker_b")
    rows = rights_request_rows(s.users["worker_a"], now=dt.datetime.now(dt.UTC))
    assert [row.request.pk for row in rows] == [older.pk, newer.pk, refused.pk]
    assert [row.overdue for row in rows] == [True, False, False]
    assert rights_request_rows(s.users["building_chief"], now=dt.datetime.now(dt.UTC)) == []


def test_security_9_see_exports_the_persons_data_decrypted_and_audited(small_street: SmallStreet) -> None:
    s = small_street
    elder = s.elder_a
    visit_with_notes(s, elder, "血压偏高，需要复诊")
    ticket_about(s, elder, '=HYPERLINK("http://evil.example","点我") 需要助餐')
    row = in_progress(s, elder, RightsKind.SEE)
    audits = AuditEntry.objects.filter(action="rightsrequest.export").count()
    row, content = rights_request_export(rights_request=row, user=s.users["worker_a"])
    assert AuditEntry.objects.filter(action="rightsrequest.export").count() == audits + 1
    workbook = load_workbook(io.BytesIO(content))
    cells = {str(cell.value) for sheet in workbook for line in sheet.iter_rows() for cell in line}
    assert {elder.name, elder.id_number, "13800001111", "糖尿病，低糖饮食", "血压偏高，需要复诊"} <= cells
    assert '\'=HYPERLINK("http://evil.example","点我") 需要助餐' in cells  # shown, never run
    assert s.child_a.name not in cells  # another member's data is not the requester's to see
    row = rights_request_see_done(rights_request=row, user=s.users["worker_a"])
    assert row.status == RightsStatus.DONE
    assert [e.action for e in rights_request_history(row)] == ["receive", "start", "export", "done"]


def test_security_9_see_needs_the_export_first_and_the_unmask_permission(small_street: SmallStreet) -> None:
    s = small_street
    row = in_progress(s, s.elder_a, RightsKind.SEE, by="street_admin")
    with pytest.raises(Conflict):
        rights_request_see_done(rights_request=row, user=s.users["street_admin"])
    with pytest.raises(Forbidden):
        rights_request_export(rights_request=row, user=s.users["supervisor"])


def test_security_9_correct_keeps_a_masked_from_to_history(small_street: SmallStreet) -> None:
    s = small_street
    elder = s.elder_a
    row = in_progress(s, elder, RightsKind.CORRECT)
    row = rights_request_correct(
        rights_request=row,
        user=s.users["worker_a"],
        person_version=elder.version,
        values={"phone": "139 0000 1234", "name": elder.name},
    )
    assert (row.status, row.closed_by) == (RightsStatus.DONE, s.users["worker_a"])
    elder.refresh_from_db()
    assert (elder.phone, elder.phone_masked, elder.phone_index) == (
        "13900001234",
        "139****1234",
        phone_index("13900001234"),
    )
    change = RecordChange.objects.get(object_type="person", object_id=elder.pk, field="phone")
    assert (change.old_masked, change.new_masked, change.actor) == ("138****1111", "139****1234", s.users["worker_a"])
    assert AuditEntry.objects.filter(action="person.edit", object_id=str(elder.pk)).count() == 1


def test_security_9_correct_with_a_stale_version_is_a_conflict_and_changes_nothing(small_street: SmallStreet) -> None:
    s = small_street
    elder = s.elder_a
    stale = elder.version
    person_edit(person=elder, user=s.users["worker_a"], version=stale, values={"remarks": "新住户"})
    row = in_progress(s, elder, RightsKind.CORRECT)
    with pytest.raises(Conflict) as refused:
        rights_request_correct(
            rights_request=row, user=s.users["worker_a"], person_version=stale, values={"phone": "13900001234"}
        )
    assert refused.value.code == "person_changed"
    elder.refresh_from_db()
    row.refresh_from_db()
    assert (elder.phone, row.status) == ("13800001111", RightsStatus.IN_PROGRESS)


def test_a_correction_with_a_bad_phone_is_refused_before_anything_is_written(small_street: SmallStreet) -> None:
    s = small_street
    row = in_progress(s, s.elder_a, RightsKind.CORRECT)
    with pytest.raises(InvalidInput):
        rights_request_correct(
            rights_request=row, user=s.users["worker_a"], person_version=s.elder_a.version, values={"phone": "12345"}
        )
    assert not RecordChange.objects.filter(object_id=s.elder_a.pk, field="phone").exists()


def _figures() -> dict[str, object]:
    """What the dashboards count: none of it may move when a person is erased."""
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(CHINA).date()
    coverage = coverage_report(Household.objects.all(), period=period_containing(PeriodKind.QUARTER, today))
    return {
        "ticket_figures": ticket_figures_total(
            Ticket.objects.all(), start=now - dt.timedelta(days=1), end=now, now=now
        ),
        "coverage": (coverage.total, [row for _, row in coverage.grids], coverage.never_visited),
        "tickets": Ticket.objects.count(),
        "by_category": sorted(Ticket.objects.values_list("subcategory__category__code").annotate(n=Count("pk"))),
        "by_status": sorted(Ticket.objects.values_list("status").annotate(n=Count("pk"))),
        "by_priority": sorted(Ticket.objects.values_list("priority").annotate(n=Count("pk"))),
        "visits": sorted(Visit.objects.values_list("outcome").annotate(n=Count("pk"))),
        "households": sorted(Household.objects.values_list("status").annotate(n=Count("pk"))),
        "people": sorted(Person.objects.values_list("status").annotate(n=Count("pk"))),
        "people_by_tag": sorted(Tag.objects.annotate(n=Count("people")).values_list("code", "n")),
    }


def test_security_9_delete_anonymises_the_person_and_keeps_the_figures(small_street: SmallStreet) -> None:
    s = small_street
    elder = s.elder_a
    old_id = elder.id_number
    visit_with_notes(s, elder, "独居，腿脚不便")
    ticket = ticket_about(s, elder, "王秀英需要每天送餐，电话13800001111")
    ticket_about(s, elder, "楼道灯坏了", code="LIF-ERR")
    ticket_about(s, s.resident_b, "电梯坏了", code="LIF-ERR")
    ClassificationCorrection.objects.create(
        ticket=ticket,
        text=ticket.description,
        subcategory=ticket.subcategory,
        priority="P2",
        corrected_at=ticket.created_at,
    )
    before = _figures()
    row = in_progress(s, elder, RightsKind.DELETE, by="street_admin")
    row = rights_request_erase(rights_request=row, user=s.users["street_admin"], person_version=elder.version)

    assert row.status == RightsStatus.DONE
    assert _figures() == before
    elder.refresh_from_db()
    assert (elder.name, elder.id_number, elder.phone, elder.care_notes, elder.remarks) == (ERASED_NAME, "", "", "", "")
    assert (elder.id_masked, elder.phone_masked, elder.registered_address) == ("", "", "")
    assert not Person.objects.filter(id_index=id_number_index(old_id)).exists()
    ticket.refresh_from_db()
    assert (ticket.description, ticket.resolution_note, ticket.callback_phone) == ("", "", "")
    assert not ClassificationCorrection.objects.filter(ticket__person=elder).exists()
    assert not TicketEvent.objects.filter(ticket__person=elder).exclude(reason="").exists()
    visit = Visit.objects.get(household=s.household_a)
    assert (visit.notes, visit.answers) == ("", {"health": "", "lives_alone": True, "score": 3})
    assert Ticket.objects.get(person=s.resident_b).description == "电梯坏了"  # nobody else's
    assert not RecordChange.objects.filter(object_id=elder.pk).exclude(old_masked="", new_masked="").exists()
    assert AuditEntry.objects.filter(action="person.erase", object_id=str(elder.pk)).count() == 1


def test_security_9_delete_is_for_staff_who_may_import_and_needs_the_current_version(small_street: SmallStreet) -> None:
    s = small_street
    row = in_progress(s, s.elder_a, RightsKind.DELETE)
    with pytest.raises(Forbidden):
        rights_request_erase(rights_request=row, user=s.users["worker_a"], person_version=s.elder_a.version)
    with pytest.raises(Conflict):
        rights_request_erase(rights_request=row, user=s.users["street_admin"], person_version=s.elder_a.version - 1)
    s.elder_a.refresh_from_db()
    assert s.elder_a.name == "王秀英"


def test_security_9_every_step_is_a_history_row_and_an_audit_row(small_street: SmallStreet) -> None:
    s = small_street
    row = in_progress(s, s.elder_a, RightsKind.DELETE)
    row = rights_request_refuse(rights_request=row, user=s.users["worker_a"], reason="申请人无法证明身份")
    steps = TransitionEvent.objects.filter(object_id=str(row.pk), object_type="registry.rightsrequest")
    assert [(e.action, e.new_status) for e in steps] == [
        ("receive", "received"),
        ("start", "in_progress"),
        ("refuse", "refused"),
    ]
    audited = AuditEntry.objects.filter(object_id=str(row.pk), action__startswith="rightsrequest.")
    assert list(audited.order_by("pk").values_list("action", flat=True)) == [
        "rightsrequest.receive",
        "rightsrequest.start",
        "rightsrequest.refuse",
    ]
    assert row.outcome == "申请人无法证明身份"
    with pytest.raises(InvalidInput):
        rights_request_refuse(
            rights_request=in_progress(s, s.elder_a, RightsKind.SEE), user=s.users["worker_a"], reason=" "
        )

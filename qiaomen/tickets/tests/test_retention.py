"""Retention (SECURITY 8, 23): each category of personal data goes after its period, the day after
and not before; ticket rows and the figures built on them stay; audit rows younger than their
period stay; one audit row per run; a dry run counts and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import Count

from qiaomen.core.audit import audit_record, audit_verify
from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Status, Ticket
from qiaomen.tickets.retention import retention_purge
from qiaomen.visits.models import Demand, Visit, VisitPhoto
from qiaomen.visits.photos import photo_dir
from qiaomen.web.tests.ticket_helpers import make_ticket
from qiaomen.web.tests.visit_helpers import record_visit

T0 = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class World:
    staff_ticket: Ticket
    resident_ticket: Ticket
    open_ticket: Ticket
    visit: Visit
    photo: VisitPhoto


def _world(street: SmallStreet) -> World:
    """At T0: a closed staff ticket, a closed QR-page ticket, an open one, a visit with notes, a
    demand and a photo, and the audit rows all of that wrote."""
    with time_machine.travel(T0, tick=False):
        staff, resident, still_open = make_ticket(street), make_ticket(street), make_ticket(street)
        # Through the instance: encrypted text is sealed to its row, never written as a bare value.
        staff.status, staff.closed_at, staff.resolution_note, staff.person = (
            Status.CLOSED,
            T0,
            "已送餐上门",
            street.elder_a,
        )
        staff.save(update_fields=["status", "closed_at", "resolution_note", "person"])
        resident.callback_phone = "13900001111"
        resident.save(update_fields=["callback_phone"])
        Ticket.objects.filter(pk=resident.pk).update(channel=Channel.QR, status=Status.CLOSED, closed_at=T0)
        visit = record_visit(street, street.household_a, at=T0, demands=("想申请助餐",))
        visit.notes = "血压偏高，独居"
        visit.save(update_fields=["notes"])
        photo_dir().mkdir(parents=True, exist_ok=True)
        (photo_dir() / "retention-test.jpg").write_bytes(b"jpeg")
        photo = VisitPhoto.objects.create(
            visit=visit, stored_name="retention-test.jpg", content_type="image/jpeg", size=4, sha256="0" * 64
        )
    return World(staff, resident, still_open, visit, photo)


def _purge_at(moment: dt.datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return retention_purge(dry_run=False).counts


def _notes_gone(w: World) -> bool:
    return Visit.objects.get(pk=w.visit.pk).notes == "" and not Demand.objects.exclude(text="").exists()


def _photo_gone(w: World) -> bool:
    return not VisitPhoto.objects.filter(pk=w.photo.pk).exists() and not (photo_dir() / "retention-test.jpg").exists()


def _staff_ticket_blank(w: World) -> bool:
    ticket = Ticket.objects.get(pk=w.staff_ticket.pk)
    return (ticket.description, ticket.resolution_note, ticket.person_id) == ("", "", None)


def _resident_message_blank(w: World) -> bool:
    ticket = Ticket.objects.get(pk=w.resident_ticket.pk)
    return (ticket.description, ticket.callback_phone) == ("", "")


CHECKS: dict[str, Callable[[World], bool]] = {
    "visit_notes": _notes_gone,
    "visit_photos": _photo_gone,
    "ticket_personal": _staff_ticket_blank,
    "resident_messages": _resident_message_blank,
}


@pytest.mark.parametrize("category", list(CHECKS))
def test_security_8_personal_data_stays_through_its_period_and_goes_the_day_after(
    small_street: SmallStreet, category: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    world = _world(small_street)
    period = dt.timedelta(days=settings.RETENTION_DAYS[category])
    gone = CHECKS[category]

    assert _purge_at(T0 + period - dt.timedelta(days=1))[category] == 0 and not gone(world)  # before
    assert _purge_at(T0 + period)[category] == 0 and not gone(world)  # at: the last day it is kept
    with django_capture_on_commit_callbacks(execute=True):  # photo files go once the batch commits
        counts = _purge_at(T0 + period + dt.timedelta(days=1))
    assert counts[category] >= 1 and gone(world)  # after
    # The open ticket keeps everything, however old.
    assert Ticket.objects.get(pk=world.open_ticket.pk).description == "老人需要助餐"


def _figures() -> list[Any]:
    return list(
        Ticket.objects.values("status", "subcategory__code", "channel", "grid_id", "department_id")
        .annotate(n=Count("pk"))
        .order_by("status", "subcategory__code", "channel", "grid_id", "department_id")
    )


def test_security_8_the_figures_are_the_same_before_and_after_the_purge(small_street: SmallStreet) -> None:
    world = _world(small_street)
    before = _figures()
    times = list(Ticket.objects.order_by("pk").values_list("created_at", "closed_at", "resolve_by"))

    counts = _purge_at(T0 + dt.timedelta(days=5 * 365))

    assert counts["ticket_personal"] == 1 and counts["resident_messages"] == 1
    assert _figures() == before
    assert list(Ticket.objects.order_by("pk").values_list("created_at", "closed_at", "resolve_by")) == times
    assert Visit.objects.filter(pk=world.visit.pk).exists()  # coverage still counts the visit


def test_security_8_a_dry_run_counts_without_personal_data_and_changes_nothing(small_street: SmallStreet) -> None:
    world = _world(small_street)
    rows = AuditEntry.objects.count()
    out = io.StringIO()
    with time_machine.travel(T0 + dt.timedelta(days=5 * 365), tick=False):
        call_command("retention_purge", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "visit_notes" in text and "would go: 2" in text  # the visit's notes and its demand
    for personal in ("血压", "13900001111", "助餐", small_street.elder_a.name):
        assert personal not in text
    assert not _notes_gone(world) and not _photo_gone(world)
    assert AuditEntry.objects.count() == rows


def test_security_23_audit_rows_stay_for_their_period_and_each_run_writes_one(small_street: SmallStreet) -> None:
    _world(small_street)
    with time_machine.travel(T0 + dt.timedelta(days=100), tick=False):
        young = audit_record(action="test.young", actor_name="tester")
    period = dt.timedelta(days=settings.RETENTION_DAYS["audit"])
    old_rows = AuditEntry.objects.filter(at__lte=T0).count()

    assert _purge_at(T0 + period)["audit"] == 0  # at the period: kept
    assert _purge_at(T0 + period + dt.timedelta(days=1))["audit"] == old_rows  # after

    assert AuditEntry.objects.filter(pk=young.pk).exists()
    runs = AuditEntry.objects.filter(action="retention.purge")
    assert runs.count() == 2
    assert runs.last().detail["counts"]["audit"] == old_rows  # type: ignore[union-attr]
    assert audit_verify()[1] is None


@pytest.mark.parametrize(("days", "starts"), [("182", False), ("183", True)])
def test_security_23_an_audit_period_under_six_months_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, days: str, starts: bool
) -> None:
    monkeypatch.setenv("QIAOMEN_AUDIT_RETENTION_DAYS", days)
    settings_file = str(ROOT / "qiaomen" / "settings.py")
    if starts:
        assert runpy.run_path(settings_file)["RETENTION_DAYS"]["audit"] == 183
    else:
        with pytest.raises(ImproperlyConfigured, match="QIAOMEN_AUDIT_RETENTION_DAYS must be at least 183"):
            runpy.run_path(settings_file)

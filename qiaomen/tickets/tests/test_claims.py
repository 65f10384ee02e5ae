"""The drifts of the hand-made claims, each caught now that every write goes through
core.transitions.claim_transition: the same traces (version, event, audit row) for every change
of a ticket, and a 409 for a change made on a ticket someone else changed since it was read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from qiaomen.core.errors import Conflict
from qiaomen.core.models import AuditEntry
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import PhotoKind, Priority, Status, Ticket, TicketEvent, WorkdayOverride
from qiaomen.tickets.services import (
    taxonomy,
    ticket_accept,
    ticket_change_priority,
    ticket_confirm,
    ticket_photos_add,
    ticket_rate,
    ticket_resolve,
    workday_override_set,
)
from qiaomen.tickets.tests.test_photos import png
from qiaomen.web.tests.ticket_helpers import make_ticket

pytestmark = pytest.mark.django_db


def _resolved(street: SmallStreet) -> tuple[Ticket, str]:
    handler = street.users["dept_handler"]
    ticket = ticket_accept(ticket=make_ticket(street), user=handler)
    return ticket_resolve(ticket=ticket, user=handler, note="已安排助餐")


def test_a_priority_change_writes_its_audit_row_and_event(small_street: SmallStreet) -> None:
    ticket = make_ticket(small_street)
    ticket_change_priority(
        ticket=ticket, user=small_street.users["street_admin"], priority=Priority.P2, reason="老人独居"
    )
    assert AuditEntry.objects.filter(action="ticket.priority", object_id=str(ticket.pk)).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="priority").count() == 1


def test_a_rating_bumps_the_version_so_a_change_read_before_it_is_refused(small_street: SmallStreet) -> None:
    ticket, token = _resolved(small_street)
    read_before_rating = Ticket.objects.get(pk=ticket.pk)
    rated = ticket_rate(token=token, score=5)
    assert rated.version == read_before_rating.version + 1
    with pytest.raises(Conflict) as refused:
        ticket_confirm(ticket=read_before_rating, user=small_street.users["worker_a"])
    assert refused.value.code == "ticket_changed"


def test_a_confirmation_checks_the_version(small_street: SmallStreet) -> None:
    ticket, _token = _resolved(small_street)
    stale = Ticket.objects.get(pk=ticket.pk)
    ticket_change_priority(
        ticket=ticket, user=small_street.users["street_admin"], priority=Priority.P2, reason="加急处理"
    )
    with pytest.raises(Conflict) as refused:
        ticket_confirm(ticket=stale, user=small_street.users["worker_a"])
    assert refused.value.code == "ticket_changed"
    assert Ticket.objects.get(pk=ticket.pk).worker_confirmed_at is None


def test_two_photo_uploads_on_one_reading_of_the_ticket_claim_it_once(
    small_street: SmallStreet, settings: Settings, tmp_path: Path
) -> None:
    """select_for_update locked nothing on SQLite, so two uploads could both pass the limit."""
    settings.UPLOAD_DIR = tmp_path
    ticket = make_ticket(small_street)
    same_reading = Ticket.objects.get(pk=ticket.pk)
    ticket_photos_add(ticket=ticket, user=None, raws=[png()], kind=PhotoKind.REPORT)
    with pytest.raises(Conflict):
        ticket_photos_add(ticket=same_reading, user=None, raws=[png()], kind=PhotoKind.REPORT)
    assert ticket.photos.count() == 1


def test_a_workday_override_is_not_kept_without_its_audit_row(
    small_street: SmallStreet, monkeypatch: pytest.MonkeyPatch
) -> None:
    def audit_fails(**_kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(taxonomy, "audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        workday_override_set(user=small_street.users["street_admin"], date=dt.date(2027, 2, 20), is_working_day=True)
    assert not WorkdayOverride.objects.exists()


def test_a_merge_target_changed_since_it_was_read_is_refused(small_street: SmallStreet) -> None:
    from qiaomen.tickets.services.merges import ticket_merge

    into = make_ticket(small_street)
    duplicate = make_ticket(small_street)
    stale_into = Ticket.objects.get(pk=into.pk)
    ticket_accept(ticket=into, user=small_street.users["dept_handler"])
    with pytest.raises(Conflict) as refused:
        ticket_merge(duplicate=duplicate, into=stale_into, user=small_street.users["street_admin"])
    assert refused.value.code == "ticket_changed"
    assert Ticket.objects.get(pk=duplicate.pk).status != Status.MERGED


def test_a_rating_link_is_open_until_used_or_expired(small_street: SmallStreet) -> None:
    from qiaomen.core.errors import NotFound
    from qiaomen.tickets.services import rating_link_open

    _ticket, token = _resolved(small_street)
    assert rating_link_open(token).ticket_id == _ticket.pk
    with pytest.raises(NotFound):
        rating_link_open(token, now=timezone.now() + dt.timedelta(days=15))
    with pytest.raises(NotFound):
        rating_link_open("not-a-token")
    ticket_rate(token=token, score=4)
    with pytest.raises(Conflict) as used:
        rating_link_open(token)
    assert used.value.code == "rating_link_used"


def test_only_the_places_worker_may_resubmit_a_returned_ticket(small_street: SmallStreet) -> None:
    from qiaomen.core.errors import Forbidden
    from qiaomen.tickets.services import ticket_resubmit, ticket_return

    ticket = ticket_return(
        ticket=make_ticket(small_street), user=small_street.users["dept_handler"], reason="请补充地址"
    )
    with pytest.raises(Forbidden):
        ticket_resubmit(ticket=ticket, user=small_street.users["worker_b"], addition="三楼东户")
    resent = ticket_resubmit(ticket=ticket, user=small_street.users["worker_a"], addition="三楼东户")
    assert resent.status == Status.ROUTED

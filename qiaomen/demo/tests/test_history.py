"""seed_demo's demo year: lived through the rules, the same for the same seed, and every target
of the plan met by some community or department and missed by another."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction

from qiaomen.accounts.models import User
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.cooccurrence import cooccurrence
from qiaomen.analytics.models import ForecastRun, Report, ReportFormat, ReportKind
from qiaomen.analytics.periods import period_parse
from qiaomen.analytics.reports.services import street_scope
from qiaomen.analytics.ticket_figures import TARGETS, ticket_figures
from qiaomen.core.workdays import CHINA
from qiaomen.participation.activities.rate import participation_figures, participation_table
from qiaomen.participation.budget.selectors import budget_figures
from qiaomen.participation.menu.selectors import menu_figures
from qiaomen.participation.models.activities import Attendance, MeetingDecision, SignUp
from qiaomen.participation.models.budget import BudgetDisclosure, BudgetYear, Spending, SpendingStatus
from qiaomen.participation.models.menu import MenuRequest, ServicePoint
from qiaomen.places.models import Street
from qiaomen.registry.models import CorrectionStatus, DataSource, Household, PhoneCorrection
from qiaomen.tickets.models import Status, Ticket, TicketEvent
from qiaomen.visits.coverage import coverage_report
from qiaomen.visits.models import Outcome, Visit
from qiaomen.visits.periods import PeriodKind, period_containing

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)
MONTHS = 4
START = dt.date(2026, 7, 20)


def _seed(seed: int, households: int = 60, months: int = MONTHS) -> None:
    with time_machine.travel(NOW, tick=False):
        call_command(
            "seed_demo",
            "--households",
            str(households),
            "--seed",
            str(seed),
            "--months",
            str(months),
            "--password",
            "Knock-knock-2026",
            stdout=StringIO(),
        )


def _snapshot() -> dict[str, Any]:
    """What the year made, without row ids (and without the spot-check sample, drawn at random on purpose)."""
    return {
        "visits": sorted(Visit.objects.values_list("household__address_key", "visited_at", "outcome")),
        # Two tickets of one moment may differ only in a rating one of them lacks: None sorts first.
        "tickets": sorted(
            Ticket.objects.values_list(
                "channel", "status", "subcategory__code", "created_at", "rating", "escalation_level", "reopen_count"
            ),
            key=lambda row: tuple((value is not None, value) for value in row),
        ),
        "by_status": Counter(Ticket.objects.values_list("status", flat=True)),
        "by_channel": Counter(Ticket.objects.values_list("channel", flat=True)),
        "events": TicketEvent.objects.count(),
    }


class _Undo(Exception):
    pass


def _seeded_snapshot(seed: int) -> dict[str, Any]:
    try:
        with transaction.atomic():
            _seed(seed, months=2)
            snapshot = _snapshot()
            raise _Undo
    except _Undo:
        pass
    return snapshot


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_year_and_another_seed_another() -> None:
    first, again, other = _seeded_snapshot(1), _seeded_snapshot(1), _seeded_snapshot(2)
    assert first == again
    assert first["by_status"] and first["by_channel"]
    assert other["tickets"] != first["tickets"] and other["visits"] != first["visits"]


@pytest.fixture(scope="module")
def year(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """One small street's year for the tests below, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not DataSource.objects.exists():
            # A transactional test that ran before on this worker emptied every table; put back
            # what the data migrations seeded, as its serialized rollback does for the next one.
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)  # type: ignore[attr-defined]
        _seed(1, households=300)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_history_spans_the_months_and_ends_now(year: None) -> None:
    visited = sorted(Visit.objects.values_list("visited_at", flat=True))
    created = sorted(Ticket.objects.values_list("created_at", flat=True))
    assert visited[0].astimezone(CHINA).date() - START < dt.timedelta(days=7)
    assert visited[-1] <= NOW and created[-1] <= NOW
    assert NOW - visited[-1] < dt.timedelta(days=4)
    months = {moment.astimezone(CHINA).strftime("%Y-%m") for moment in created}
    assert months == {"2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}


@pytest.mark.django_db
def test_visits_tickets_ratings_escalations_repeats_and_second_complaints_all_happen(year: None) -> None:
    outcomes = Counter(Visit.objects.values_list("outcome", flat=True))
    assert outcomes[Outcome.MET] > outcomes[Outcome.NOT_HOME] > 0 and outcomes[Outcome.REFUSED] > 0
    assert set(Ticket.objects.values_list("channel", flat=True)) == {"visit", "qr", "staff", "device"}
    assert Ticket.objects.filter(resolved_on_spot=True).exists()
    assert Ticket.objects.filter(rating__isnull=False).exists()
    assert Ticket.objects.filter(escalation_level__gt=0).exists()
    assert TicketEvent.objects.filter(action="escalate").exists()
    assert Ticket.objects.filter(repeat_of__isnull=False).exists()
    assert Ticket.objects.filter(reopen_count__gt=0).exists()
    assert Ticket.objects.filter(status=Status.CLOSED, rating__isnull=True).exists()  # closed unrated by the sweep


@pytest.mark.django_db
def test_every_ticket_went_through_the_rules(year: None) -> None:
    events: dict[int, list[TicketEvent]] = {}
    for event in TicketEvent.objects.order_by("at", "pk"):
        events.setdefault(event.ticket_id, []).append(event)
    for ticket in Ticket.objects.all():
        chain = events[ticket.pk]
        assert chain[0].action == "create"
        for before, after in itertools.pairwise(chain):
            assert after.old_status == before.new_status, (ticket.pk, before.action, after.action)
        assert chain[-1].new_status == ticket.status
        actions = [event.action for event in chain]
        if "resolve" in actions and not ticket.resolved_on_spot:
            assert "accept" in actions[: actions.index("resolve")]
            assert (
                ticket.first_accepted_at is not None and ticket.first_accepted_at <= chain[actions.index("resolve")].at
            )
        assert ticket.created_at <= chain[-1].at <= NOW
    for visited_at, received_at in Visit.objects.values_list("visited_at", "received_at"):
        assert visited_at <= received_at


@pytest.mark.django_db
def test_every_target_is_met_by_some_and_missed_by_others(year: None) -> None:
    start, end = dt.datetime.combine(START, dt.time(), CHINA), NOW
    met: dict[str, set[bool]] = {name: set() for name in TARGETS}
    for by in ("community", "department"):
        for figures in ticket_figures(Ticket.objects.all(), start=start, end=end, by=by, now=NOW).values():
            for name in TARGETS:
                if figures.meets(name) is not None:
                    met[name].add(bool(figures.meets(name)))
    assert met == {name: {True, False} for name in TARGETS}
    special: set[bool] = set()
    for day in (dt.date(2026, 8, 15), dt.date(2026, 9, 15), dt.date(2026, 10, 15)):
        report = coverage_report(
            Household.objects.all(), period=period_containing(PeriodKind.MONTH, day), today=NOW.date()
        )
        special |= {row.special_rate == 1.0 for _name, row in report.communities if row.special_rate is not None}
    assert special == {True, False}


@pytest.mark.django_db
def test_the_year_ends_with_the_jobs_work_a_kept_bulletin_and_a_forecast(year: None) -> None:
    # 20 November 2026: the bulletin job ran on Monday 2 November (the 1st was a Sunday) for October.
    kept = Report.objects.get(kind=ReportKind.MONTHLY, format=ReportFormat.PDF)
    assert kept.period_label == "2026-10"
    assert kept.generated_at.astimezone(CHINA).date() == dt.date(2026, 11, 2)
    assert Report.objects.filter(kind=ReportKind.MONTHLY, period_label="2026-10").count() == 2  # xlsx and pdf
    run = ForecastRun.objects.get()
    assert run.horizon == dt.date(2026, 12, 1) and run.series > 0


@pytest.mark.django_db
def test_elders_who_ask_for_meals_also_ask_for_a_home_doctor_and_the_analysis_finds_it(year: None) -> None:
    year_so_far = period_parse("2026-07-01..2026-11-30")
    found = cooccurrence(scope=street_scope(Street.objects.get()), period=year_so_far, limit=100)
    pair = next(pair for pair in found.pairs if (pair.first, pair.second) == ("LIF-MEAL", "LIF-MED"))
    assert pair.lift > 1.5 and pair.households >= 3


@pytest.mark.django_db
def test_the_year_has_volunteers_in_teams_with_hours_points_redemptions_and_stars(year: None) -> None:
    from qiaomen.participation.figures import resource_figures
    from qiaomen.participation.models.volunteer_points import EntryKind, PointsEntry, ServiceRecord
    from qiaomen.participation.models.volunteers import StarRating, Team, Volunteer, VolunteerApplication

    assert Volunteer.objects.count() >= 3 and not Volunteer.objects.filter(team__isnull=True).exists()
    assert max(Team.objects.values_list("member_count", flat=True)) <= 5
    assert ServiceRecord.objects.filter(status="confirmed").count() >= 5
    assert PointsEntry.objects.filter(kind=EntryKind.REDEEM).exists()
    assert min(PointsEntry.objects.values_list("balance_after", flat=True)) >= 0
    assert StarRating.objects.filter(year=2026, stars__gt=0).exists()
    assert VolunteerApplication.objects.exists()
    figures = resource_figures(
        scope=street_scope(Street.objects.get()), start=dt.datetime(2026, 7, 1, tzinfo=CHINA), end=NOW
    )
    shown = {figure.code: figure.numerator for figure in figures}
    assert shown["active_volunteers"] > 0 and shown["volunteer_hours"] > 0


def test_the_budget_lives_its_year_and_last_quarter_is_disclosed(year: None) -> None:
    street = Street.objects.get()
    budget = BudgetYear.objects.get(street=street, year=2026)
    assert budget.households > 0 and budget.total == budget.households * Decimal("20.00")
    approved = Spending.objects.filter(budget=budget, status=SpendingStatus.APPROVED)
    assert set(approved.values_list("category", flat=True)) >= {"staff", "activities"}
    assert not Spending.objects.filter(receipts__isnull=True).exists()
    assert Spending.objects.filter(status=SpendingStatus.REJECTED).exists() or approved.count() > 8
    assert set(BudgetDisclosure.objects.values_list("year", "quarter")) == {(2026, 3)}
    (use,) = budget_figures(scope=street_scope(street), start=period_parse("2026").start, end=NOW)
    assert use.value is not None and 0 < use.value < 1


def test_the_menu_grows_to_38_services_and_residents_ask_for_them_through_the_qr_page(year: None) -> None:
    scope = street_scope(Street.objects.get())
    figures = {f.code: f for f in menu_figures(scope=scope, start=NOW - dt.timedelta(days=30), end=NOW)}
    assert figures["menu_size"].numerator == 38  # 39 put on the menu, one withdrawn
    coverage = figures["service_point_coverage"]
    assert coverage.value is not None and coverage.value > 0 and coverage.denominator
    # The last community's mobile stops ran in the first half of the year only.
    assert ServicePoint.objects.filter(kind="mobile", closed_on__lt=NOW.date()).exists()
    requests = list(MenuRequest.objects.select_related("ticket", "entry__partner"))
    assert requests
    for request in requests:
        assert request.ticket.channel == "qr" and request.ticket.department_id == request.entry.partner.department_id


def test_residents_take_part_in_meetings_activities_and_groups(year: None) -> None:
    """R-PAR-2 on the demo street: a plausible participation rate that differs by community, at
    least 10 groups of which all but one are active, and the figures are not zero."""
    admin = User.objects.get(username="admin")
    start = NOW - dt.timedelta(days=365)
    with time_machine.travel(NOW, tick=False):
        table = participation_table(scope=place_scope(admin), start=start, end=NOW)
        figures = {f.code: f for f in participation_figures(scope=place_scope(admin), start=start, end=NOW)}
    rates = [row.community.rate for row in table.communities]
    assert all(rate is not None and Decimal("0.3") < rate < Decimal("0.7") for rate in rates)
    assert len(set(rates)) > 1
    assert figures["participation_rate"].numerator > 0
    groups = figures["active_groups"]
    assert groups.denominator is not None and groups.denominator >= 10
    assert groups.numerator == groups.denominator - 1  # the one idle group
    assert SignUp.objects.filter(channel="qr").exists() and Attendance.objects.filter(via="scan").exists()
    assert MeetingDecision.objects.filter(ticket__isnull=False).exists()


def test_the_demo_volunteer_and_building_chief_sign_in_to_pages_of_their_own(year: None) -> None:
    """A newcomer opens /volunteers/me/ as volunteer1 and the registry as chief1: the volunteer's
    page has the year's hours and points; the building chief sees one building of grid1 only."""
    from django.test import Client
    from django.urls import reverse

    from qiaomen.participation.models.volunteers import Volunteer
    from qiaomen.registry.selectors import households_for_user

    worker_grid = User.objects.get(username="worker1").places.get().grid
    volunteer = Volunteer.objects.select_related("user").get(user__username="volunteer1")
    assert volunteer.user is not None and volunteer.grid == worker_grid
    assert volunteer.services.filter(status="confirmed").exists()
    client = Client()
    client.force_login(volunteer.user)
    page = client.get(reverse("web:volunteer_me"))
    assert page.status_code == 200 and volunteer.grid.name in page.content.decode()
    chief = User.objects.get(username="chief1")
    building = chief.places.get().building
    assert building is not None and building.grid == worker_grid
    seen = households_for_user(chief)
    assert seen.exists() and set(seen.values_list("building_id", flat=True)) == {building.pk}
    client.force_login(chief)
    own, other = seen.first(), Household.objects.exclude(building=building).first()
    assert own is not None and other is not None
    assert client.get(reverse("web:household_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("web:household_detail", args=[other.pk])).status_code == 404


def test_each_community_called_off_one_activity_and_its_sign_ups_stay(year: None) -> None:
    from qiaomen.participation.models.activities import Activity, ActivityStatus

    called_off = Activity.objects.filter(status=ActivityStatus.CANCELLED)
    assert called_off.count() == Household.objects.values("building__grid__community").distinct().count()
    assert all(activity.cancel_reason for activity in called_off)
    assert SignUp.objects.filter(activity__in=called_off).exists()
    assert not Attendance.objects.filter(activity__in=called_off).exists()


@pytest.mark.django_db
def test_the_last_week_has_phone_corrections_applied_and_two_waiting_for_review(year: None) -> None:
    statuses = Counter(PhoneCorrection.objects.values_list("status", flat=True))
    assert statuses == {CorrectionStatus.APPLIED: 5, CorrectionStatus.CONFLICT: 2}
    for conflict in PhoneCorrection.objects.filter(status=CorrectionStatus.CONFLICT).select_related("person"):
        # The desk's number stands; the phone's waits beside it.
        assert conflict.person.phone != conflict.value and conflict.person.phone.startswith("137")
        assert conflict.made_by.username == "worker1"

"""Yearly stars from hours, residents' ratings of errands and training; the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qiaomen.accounts.scopes import place_scope
from qiaomen.participation.figures import resource_figures
from qiaomen.participation.models.volunteers import StarRating
from qiaomen.participation.tests.volunteer_helpers import make_volunteers
from qiaomen.participation.volunteers.enrolment import training_record
from qiaomen.participation.volunteers.hours import service_confirm, service_record
from qiaomen.participation.volunteers.stars import star_ratings_compute, stars_for
from qiaomen.testing import SmallStreet
from qiaomen.tickets.models import Channel, Subcategory, Ticket
from qiaomen.tickets.services import ticket_create


@pytest.mark.parametrize(
    ("hours", "rating", "training", "stars"),
    [
        ("19.5", None, "0", 0),
        ("20", None, "0", 1),
        ("50", "3.9", "7.5", 2),
        ("100", "4.0", "0", 4),
        ("100", "5", "8", 5),
        ("0", "5", "8", 2),
    ],
)
def test_the_rule(hours: str, rating: str | None, training: str, stars: int) -> None:
    average = Decimal(rating) if rating else None
    assert stars_for(hours=Decimal(hours), average_rating=average, training_hours=Decimal(training)) == stars


def test_a_year_is_computed_from_its_own_hours_ratings_and_training(small_street: SmallStreet) -> None:
    s = small_street
    v = make_volunteers(s)  # 3 confirmed hours yesterday
    year = timezone.localdate().year
    errand = ticket_create(
        channel=Channel.STAFF,
        description="买菜",
        subcategory=Subcategory.objects.get(code="LIF-ERR"),
        household=s.household_b,
        created_by=s.users["worker_b"],
    )
    Ticket.objects.filter(pk=errand.pk).update(rating=5)  # the resident's rating, as the link sets it
    served = service_record(
        volunteer=v.volunteer_b,
        kind="errand",
        hours=Decimal(12),
        served_on=timezone.localdate(),
        actor=s.users["worker_b"],
        ticket=errand,
    )
    service_confirm(service=served, actor=s.users["worker_b"])
    for n in range(2):
        served = service_record(
            volunteer=v.volunteer_b,
            kind="activity",
            hours=Decimal(12),
            served_on=timezone.localdate(),
            actor=s.users["worker_b"],
            description=f"活动{n}",
        )
        service_confirm(service=served, actor=s.users["worker_b"])
    training_record(
        volunteer=v.volunteer_b,
        title="急救",
        hours=Decimal(8),
        completed_on=dt.date(year - 1, 12, 31),  # last year's: does not count
        actor=s.users["street_admin"],
    )
    assert star_ratings_compute(year=year) == 2
    rating = StarRating.objects.get(volunteer=v.volunteer_b, year=year)
    assert (rating.hours, rating.rated_tasks, rating.average_rating, rating.training_hours) == (
        Decimal(39),
        1,
        Decimal("5.00"),
        Decimal(0),
    )
    assert rating.stars == 2  # 1 for 20+ hours, 1 for the rating; the training was last year
    star_ratings_compute(year=year)  # recomputing replaces, never duplicates
    assert StarRating.objects.filter(year=year).count() == 2


def test_figures_count_active_volunteers_and_confirmed_hours_in_scope(small_street: SmallStreet) -> None:
    s = small_street
    make_volunteers(s)
    now = timezone.now()
    start, end = now - dt.timedelta(days=30), now + dt.timedelta(minutes=1)
    street = {f.code: f for f in resource_figures(scope=place_scope(s.users["street_admin"]), start=start, end=end)}
    assert (street["active_volunteers"].numerator, street["active_volunteers"].goal) == (2, Decimal(200))
    assert street["volunteer_hours"].value == Decimal(3)
    grid_a = {f.code: f for f in resource_figures(scope=place_scope(s.users["worker_a"]), start=start, end=end)}
    assert (grid_a["active_volunteers"].numerator, grid_a["volunteer_hours"].value) == (1, Decimal(0))
    before = {f.code: f for f in resource_figures(scope=place_scope(s.users["street_admin"]), start=start, end=start)}
    assert before["volunteer_hours"].value == Decimal(0)

"""Star ratings (星级评定, R-PAR-1), computed once a year from the year's confirmed hours, the
residents' ratings of the errands they ran and their training. The rule is data (STAR_RULE), so
the page shows the very rule that computed the stars."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qiaomen.core.audit import audit_record
from qiaomen.participation.models.volunteer_points import ServiceRecord, ServiceStatus
from qiaomen.participation.models.volunteers import StarRating, TrainingRecord, Volunteer

# Hours of confirmed service in the year → stars (the highest threshold met).
HOUR_STARS: list[tuple[Decimal, int]] = [(Decimal(100), 3), (Decimal(50), 2), (Decimal(20), 1)]
GOOD_RATING = Decimal("4.0")  # average of the residents' ratings (1-5) of their rated errands
TRAINING_HOURS = Decimal(8)

STAR_RULE: list[Promise] = [
    _("20 confirmed hours in the year: 1 star; 50 hours: 2 stars; 100 hours: 3 stars."),
    _("One more star when the residents rated their errands 4.0 or better on average (at least one rating)."),
    _("One more star for 8 or more hours of training in the year."),
    _("At most 5 stars; computed on 1 January for the year before, and again whenever staff ask."),
]


def stars_for(*, hours: Decimal, average_rating: Decimal | None, training_hours: Decimal) -> int:
    stars = next((count for threshold, count in HOUR_STARS if hours >= threshold), 0)
    if average_rating is not None and average_rating >= GOOD_RATING:
        stars += 1
    if training_hours >= TRAINING_HOURS:
        stars += 1
    return min(stars, 5)


def star_ratings_compute(*, year: int, now: dt.datetime | None = None) -> int:
    """Compute (or recompute) every volunteer's stars for `year`; returns how many were rated."""
    now = now or timezone.now()
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    confirmed = ServiceRecord.objects.filter(status=ServiceStatus.CONFIRMED, served_on__gte=start, served_on__lt=end)
    hours = dict(confirmed.values("volunteer_id").annotate(h=Sum("hours")).values_list("volunteer_id", "h"))
    ratings = {
        row["volunteer_id"]: (row["n"], row["avg"])
        for row in confirmed.filter(ticket__rating__isnull=False)
        .values("volunteer_id")
        .annotate(n=Count("pk"), avg=Avg("ticket__rating"))
    }
    training: dict[int, Decimal] = defaultdict(Decimal)
    for volunteer_id, amount in (
        TrainingRecord.objects.filter(completed_on__gte=start, completed_on__lt=end)
        .values("volunteer_id")
        .annotate(h=Sum("hours"))
        .values_list("volunteer_id", "h")
    ):
        training[volunteer_id] = amount
    rated = 0
    with transaction.atomic():
        for volunteer_id in Volunteer.objects.filter(joined_on__lt=end).values_list("pk", flat=True):
            count, average = ratings.get(volunteer_id, (0, None))
            average = Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else None
            served = Decimal(hours.get(volunteer_id) or 0)
            StarRating.objects.update_or_create(
                volunteer_id=volunteer_id,
                year=year,
                defaults={
                    "stars": stars_for(hours=served, average_rating=average, training_hours=training[volunteer_id]),
                    "hours": served,
                    "rated_tasks": count,
                    "average_rating": average,
                    "training_hours": training[volunteer_id],
                    "computed_at": now,
                },
            )
            rated += 1
        audit_record(action="volunteer.stars_compute", detail={"year": year, "volunteers": rated})
    return rated

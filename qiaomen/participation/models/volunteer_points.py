"""Service hours, the street's points per hour, the append-only points ledger and the catalogue
of rewards (R-PAR-1).

The ledger is a chain per volunteer: each row carries its number in the chain (`seq`, unique per
volunteer) and the balance after it (`balance_after`, never negative by a CHECK). Two writers at
once cannot both append the next row (the unique `seq` refuses the second), so a balance can never
be spent twice and can never go below zero, on SQLite and on PostgreSQL alike. The balance is the
sum of the rows; `balance_after` of the last row is the same number, kept so that the database
itself can check it. Database triggers refuse UPDATE and DELETE (ledger_triggers.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.core.models import TransitionHistory
from qiaomen.participation.models.volunteers import Volunteer
from qiaomen.places.models import Street
from qiaomen.tickets.models import Ticket
from qiaomen.visits.models import Visit


class ServiceKind(models.TextChoices):
    VISIT = "visit", _("visit accompanied")
    ERRAND = "errand", _("errand done")
    ACTIVITY = "activity", _("activity staffed")


class ServiceStatus(models.TextChoices):
    PENDING = "pending", _("to confirm")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class ServiceRecord(TransitionHistory, models.Model):
    """Hours a volunteer served on one task, confirmed or rejected by their team's grid worker."""

    TRANSITIONS = {
        ServiceStatus.PENDING: frozenset({ServiceStatus.CONFIRMED, ServiceStatus.REJECTED}),
        ServiceStatus.CONFIRMED: frozenset(),
        ServiceStatus.REJECTED: frozenset(),
    }

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(_("kind of service"), max_length=16, choices=ServiceKind.choices)
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True)
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    status = models.CharField(max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.PENDING)
    version = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service hours")
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["status", "decided_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=12), name="service_hours_in_range"),
            models.CheckConstraint(
                condition=(
                    Q(kind="visit", visit__isnull=False, ticket__isnull=True)
                    | Q(kind="errand", ticket__isnull=False, visit__isnull=True)
                    | Q(kind="activity", visit__isnull=True, ticket__isnull=True)
                ),
                name="service_links_its_task",
            ),
        ]


class ServiceRate(models.Model):
    """Points per hour for one kind of service, set by the street."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ServiceKind.choices)
    points_per_hour = models.PositiveIntegerField(_("points per hour"))
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("points rate")
        constraints = [models.UniqueConstraint(fields=["street", "kind"], name="one_rate_per_kind")]


class CatalogueItem(models.Model):
    """An item or a service volunteers may take for points. `stock` is claimed with a conditional
    UPDATE (… WHERE stock >= 1), never read-then-written."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("stock"))
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("catalogue item")
        ordering = ["points", "name"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="catalogue_points_positive")]

    def __str__(self) -> str:
        return self.name


class EntryKind(models.TextChoices):
    EARN = "earn", _("earned")
    REDEEM = "redeem", _("redeemed")
    EXPIRE = "expire", _("expired")
    CORRECT = "correct", _("correction")


class PointsEntry(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="ledger")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    points = models.IntegerField()
    balance_after = models.IntegerField()
    # Each confirmed service earns once; a redemption names what was taken.
    service = models.OneToOneField(
        ServiceRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="points_entry"
    )
    item = models.ForeignKey(CatalogueItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("points entry")
        ordering = ["volunteer_id", "seq"]
        indexes = [models.Index(fields=["kind", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "seq"], name="ledger_one_row_per_step"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_never_negative"),
            models.CheckConstraint(condition=~Q(points=0), name="ledger_row_moves_points"),
            models.CheckConstraint(
                condition=(
                    Q(kind="earn", points__gt=0, service__isnull=False)
                    | Q(kind="redeem", points__lt=0, item__isnull=False)
                    | Q(kind="expire", points__lt=0)
                    | Q(kind="correct")
                ),
                name="ledger_kind_matches_sign",
            ),
        ]

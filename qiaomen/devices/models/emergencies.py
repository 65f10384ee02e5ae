"""Incidents and emergency plans (R-DEV-2).

An incident (a worker hurt, a conflict or threat during a visit, a fire, a flood) is recorded
against its place and, when it happened on a visit, that visit; its description is free text
about people and is kept encrypted like a visit's notes. It moves reported → acknowledged →
closed through claim_transition. It is routed to the holders of HANDLE_INCIDENTS of its
community (no security officer role: devices/incidents.py says why).

An emergency plan is the street's standing answer to a kind of emergency (typhoon, heat wave,
epidemic, gas leak): ordered steps, the roles responsible, a contact list (phones encrypted and
kept masked beside, as the registry does) and the special groups whose households are checked
first. Activating it for an area pauses routine visits there (through the visits pause service)
and opens a check list: one row per household of the area, each checked off by its grid worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.core.fields import EncryptedTextField
from qiaomen.core.models import SealedRow, TimeStampedModel, TransitionHistory
from qiaomen.places.models import Building, Community, Grid, Street
from qiaomen.registry.models import Household, Tag


class IncidentKind(models.TextChoices):
    WORKER_INJURED = "worker_injured", _("worker injured")
    CONFLICT = "conflict", _("conflict or threat during a visit")
    FIRE = "fire", _("fire")
    FLOOD = "flood", _("flood")
    OTHER = "other", _("other")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CLOSED = "closed", _("closed")


INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.REPORTED: frozenset({IncidentStatus.ACKNOWLEDGED, IncidentStatus.CLOSED}),
    IncidentStatus.ACKNOWLEDGED: frozenset({IncidentStatus.CLOSED}),
}


class Incident(TransitionHistory, SealedRow, TimeStampedModel):
    """Where: always a community (whose incident handlers are told and whose staff see it), and
    as precisely as known a grid, a building, a household (each a link, never a copy)."""

    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey("visits.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    description = EncryptedTextField(_("description"), purpose="incident.description")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    pause = models.ForeignKey("visits.VisitPause", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A fire or a flood is also a danger for the emergency-management department: its ticket.
    ticket = models.OneToOneField("tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = INCIDENT_TRANSITIONS

    class Meta:
        verbose_name = _("incident")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="incident_community_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PlanKind(models.TextChoices):
    TYPHOON = "typhoon", _("typhoon")
    HEAT_WAVE = "heat_wave", _("heat wave")
    EPIDEMIC = "epidemic", _("epidemic")
    GAS_LEAK = "gas_leak", _("gas leak")


class EmergencyPlan(TimeStampedModel):
    """A street's plan for one kind of emergency. `steps` and `responsible_roles` are ordered
    lists of text and of role values (accounts.roles.Role)."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=120)
    steps = models.JSONField(_("steps"), default=list)
    responsible_roles = models.JSONField(_("responsible roles"), default=list)
    first_tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("check first"))

    class Meta:
        verbose_name = _("emergency plan")
        ordering = ["street", "kind"]
        constraints = [models.UniqueConstraint(fields=["street", "kind"], name="plan_kind_once_per_street")]

    def __str__(self) -> str:
        return self.title


class PlanContact(SealedRow):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=64)
    role = models.CharField(_("role"), max_length=64)
    phone = EncryptedTextField(_("phone"), purpose="plan_contact.phone")
    phone_masked = models.CharField(_("phone"), max_length=32, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]


class ActivationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


ACTIVATION_TRANSITIONS: dict[str, frozenset[str]] = {ActivationStatus.ACTIVE: frozenset({ActivationStatus.ENDED})}


class PlanActivation(TransitionHistory, TimeStampedModel):
    """A plan put in force for its whole street, one community or one grid (the narrowest given)."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="activations")
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=ActivationStatus.choices, default=ActivationStatus.ACTIVE
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    pause = models.ForeignKey("visits.VisitPause", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = ACTIVATION_TRANSITIONS

    class Meta:
        verbose_name = _("plan activation")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grid__isnull=True) | Q(community__isnull=False), name="activation_grid_has_community"
            )
        ]


class CheckOutcome(models.TextChoices):
    SAFE = "safe", _("safe")
    NEEDS_HELP = "needs_help", _("needs help")
    NOT_REACHED = "not_reached", _("not reached")


class HouseholdCheck(models.Model):
    """One household on an activation's check-on-everyone list. `special` puts it first; the
    grid is the household's at activation, so each grid worker's list is one indexed query."""

    activation = models.ForeignKey(PlanActivation, on_delete=models.CASCADE, related_name="checks")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    special = models.BooleanField(default=False)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CheckOutcome.choices, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-special", "household"]
        constraints = [
            models.UniqueConstraint(fields=["activation", "household"], name="household_check_once"),
        ]
        indexes = [models.Index(fields=["activation", "grid"], name="household_check_grid")]

"""Door-knocking: rules, planned visits across departments, visits as recorded, pauses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.core.fields import EncryptedJSONField, EncryptedTextField
from qiaomen.core.models import SealedRow, TransitionHistory
from qiaomen.places.models import Community, Grid
from qiaomen.registry.models import Household, Tag
from qiaomen.visits.periods import PeriodKind


class VisitPolicy(models.Model):
    """The street's tunable numbers; one row (pk=1), created with the defaults of the plan."""

    adaptive_demand_threshold = models.PositiveSmallIntegerField(_("demands that trigger extra visits"), default=3)
    adaptive_window_days = models.PositiveSmallIntegerField(_("window for counting demands (days)"), default=90)
    adaptive_bonus_per_month = models.PositiveSmallIntegerField(_("extra visits a month"), default=1)
    join_window_days = models.PositiveSmallIntegerField(_("window for joining planned visits (days)"), default=14)
    checkin_flag_distance_m = models.PositiveIntegerField(_("check-in distance flagged (metres)"), default=200)
    not_home_streak = models.PositiveSmallIntegerField(_("'not at home' in a row before another way"), default=3)

    class Meta:
        verbose_name = _("visit policy")


class PeriodChoice(models.TextChoices):
    MONTH = PeriodKind.MONTH.value, _("calendar month")
    QUARTER = PeriodKind.QUARTER.value, _("calendar quarter")


class VisitRule(models.Model):
    """At least `min_visits` per period for households with a member tagged `tag`
    (no tag: every household). A household takes its most demanding rule."""

    name = models.CharField(_("name"), max_length=100)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.PROTECT, related_name="visit_rules")
    period = models.CharField(_("period"), max_length=8, choices=PeriodChoice.choices)
    min_visits = models.PositiveSmallIntegerField(_("minimum visits"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("visit rule")
        ordering = ["tag__sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class VisitType(models.Model):
    """A kind of visit with its questionnaire.

    `questions` is a list of {"code", "label", "type": text|number|boolean|choice, "required",
    "choices": [..]}; answers are validated against it on the server.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("visit type")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PolicyTopic(models.Model):
    """A policy a grid worker may explain during a visit (the configurable list)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("policy topic")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    MET = "met", _("met the household")
    NOT_HOME = "not_home", _("nobody at home")
    REFUSED = "refused", _("refused")
    MOVED_OUT = "moved_out", _("moved out")
    MISMATCH = "mismatch", _("registration does not match")


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone or online")


class Visit(SealedRow):
    """A visit as recorded on the phone. `client_uuid` makes a resent visit count once."""

    client_uuid = models.UUIDField(unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    # The grid where the visit happened, kept so coverage is one grouped query and stays true
    # to history if a building is later moved to another grid.
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    visit_type = models.ForeignKey(VisitType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("visited at"), help_text=_("the phone's time of the visit"))
    received_at = models.DateTimeField(_("received at"), help_text=_("the server's time of arrival"))
    contact_mode = models.CharField(max_length=16, choices=ContactMode.choices, default=ContactMode.IN_PERSON)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    refused_reason = models.CharField(_("reason for refusal"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance to the building (m)"), null=True, blank=True)
    # What the phone said of its own fix: a check-in 150 m off with ±300 m is no sign of absence.
    accuracy_m = models.PositiveIntegerField(_("position accuracy (m)"), null=True, blank=True)
    far_from_building = models.BooleanField(_("checked in far from the building"), default=False)
    answers = EncryptedJSONField(_("answers"))
    policies = models.ManyToManyField(PolicyTopic, blank=True, related_name="+")
    resolved_on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    notes = EncryptedTextField(_("notes"), purpose="visit.notes")
    # The phone sends a visit first and its photos after it, each when the signal allows: the
    # visit is complete on the server once this many photos have arrived (visits.photos).
    photos_expected = models.PositiveSmallIntegerField(_("photos expected"), default=0)
    plan = models.ForeignKey("PlannedVisit", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits")

    class Meta:
        verbose_name = _("visit")
        indexes = [
            # A household's visits by time (its history, its last visit) and, with the outcome in
            # the index, "was it reached in this month" answered from the index alone: the command
            # centre asks it for every special household and month (analytics.targets_trends).
            models.Index(fields=["household", "visited_at", "outcome"], name="visit_household_at_outcome"),
            models.Index(fields=["grid", "visited_at"]),
            # Covers coverage's question "who was reached in this period" without touching the table.
            models.Index(fields=["visited_at", "outcome", "household"], name="visit_period_outcome"),
        ]


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Where the photo says it was taken (EXIF GPS), kept server-side only, never served.
    exif_location = models.JSONField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Demand(SealedRow):
    """A need a resident raised during a visit; it becomes a ticket once tickets exist."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="demands")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="demands")
    text = EncryptedTextField(_("demand"), blank=False)
    resolved_on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    raised_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("demand")


class VerificationStatus(models.TextChoices):
    OPEN = "open", _("to verify")
    DONE = "done", _("verified")


VERIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {VerificationStatus.OPEN: frozenset({VerificationStatus.DONE})}


class VerificationRequest(TransitionHistory, models.Model):
    """A visit found the household moved out or its registration wrong: community staff check."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="verification_requests")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, choices=Outcome.choices)
    status = models.CharField(max_length=8, choices=VerificationStatus.choices, default=VerificationStatus.OPEN)
    created_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = VERIFICATION_TRANSITIONS

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(status="open"), name="verification_open_once")
        ]


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# A planned visit is done by the visit that fulfils it, or cancelled; both are final.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {PlanStatus.PLANNED: frozenset({PlanStatus.DONE, PlanStatus.CANCELLED})}


class PlannedVisit(TransitionHistory, models.Model):
    """One visit in the shared calendar; several departments' purposes may ride on it."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="planned_visits")
    planned_for = models.DateField(_("date"))
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = PLAN_TRANSITIONS

    class Meta:
        verbose_name = _("planned visit")
        indexes = [models.Index(fields=["household", "planned_for"])]


class PlannedPurpose(models.Model):
    plan = models.ForeignKey(PlannedVisit, on_delete=models.CASCADE, related_name="purposes")
    purpose = models.CharField(_("purpose"), max_length=200)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # True when this purpose was added to a visit someone else had planned: one knock saved.
    joined = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class VisitPause(models.Model):
    """Visits stopped in some communities or grids (typhoon, epidemic): phone contact instead."""

    communities = models.ManyToManyField(Community, blank=True, related_name="+")
    grids = models.ManyToManyField(Grid, blank=True, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("visit pause")
        ordering = ["-starts_on"]

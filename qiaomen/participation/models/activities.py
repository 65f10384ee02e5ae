"""Residents' participation (R-PAR-2): self-governing groups, door-knocking meetings (敲门议事会)
with their attendees and decisions, and activities with sign-up and attendance.

People and households are linked, never copied: a member, an attendee or a sign-up points at the
registry's row, so a correction or an erasure there is the only copy to change. An activity's
check-in code is a token like a door code's (192 random bits): only its SHA-256 is looked up, the
token itself is kept encrypted so the sheet at the door can be printed again.
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
from qiaomen.places.models import Building, Community, Grid
from qiaomen.registry.models import Household, Person


class GroupKind(models.TextChoices):
    INTEREST = "interest", _("interest group")
    ELDERS = "elders", _("elders' mutual help")
    MEDIATION = "mediation", _("neighbourhood mediation")
    ENVIRONMENT = "environment", _("environment and hygiene")
    SAFETY = "safety", _("safety patrol")
    BUILDING = "building", _("building council")
    OTHER = "other", _("other")


class ResidentGroup(TimeStampedModel):
    """A self-governing group (自治组织) of a community."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=GroupKind.choices)
    members = models.ManyToManyField(Person, through="GroupMember", related_name="+", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("self-governing group")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="group_name_unique_in_community")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(ResidentGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    is_leader = models.BooleanField(_("leader"), default=False)
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="group_member_once")]


class Meeting(TimeStampedModel):
    """A door-knocking meeting (敲门议事会) of a community, or of one of its grids."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(ResidentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings")
    title = models.CharField(_("title"), max_length=120)
    held_at = models.DateTimeField(_("held at"), db_index=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("meeting")
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(models.Model):
    """A household at a meeting, with the person who came when known."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "household"], name="meeting_household_once")]


class MeetingDecision(models.Model):
    """What a meeting decided; a decision that needs work opens a ticket through the staff intake.
    The ticket reaches its decision back through `ticket.meeting_decision`."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    ticket = models.OneToOneField(
        "tickets.Ticket", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_decision"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]


class ActivityKind(models.TextChoices):
    CULTURE = "culture", _("culture and recreation")
    SPORTS = "sports", _("sports")
    HEALTH = "health", _("health")
    LEARNING = "learning", _("lectures and learning")
    VOLUNTEERING = "volunteering", _("volunteering")
    FESTIVAL = "festival", _("festival")
    OTHER = "other", _("other")


class ActivityStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    CANCELLED = "cancelled", _("cancelled")


# Cancelling is final: an activity held after all is a new one. Edits keep the status (they go
# through claim_transition all the same, for the version check and the history row).
ACTIVITY_TRANSITIONS: dict[str, frozenset[str]] = {ActivityStatus.SCHEDULED: frozenset({ActivityStatus.CANCELLED})}


class Activity(TransitionHistory, SealedRow, TimeStampedModel):
    """An activity of a community, held in one of its buildings or for the whole community.

    A cancelled activity keeps its sign-ups (each household sees its sign-up as cancelled) and
    takes no sign-up and no check-in any more."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        ResidentGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    location = models.CharField(_("location"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity (households)"))
    # Claimed with a conditional UPDATE (signed_up < capacity), so two last sign-ups cannot both win.
    signed_up = models.PositiveIntegerField(default=0)
    checkin_hash = models.CharField(max_length=64, unique=True, editable=False)
    checkin_token = EncryptedTextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = ACTIVITY_TRANSITIONS

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=Q(signed_up__lte=models.F("capacity")), name="activity_within_capacity"),
        ]

    def __str__(self) -> str:
        return self.title


class SignUpChannel(models.TextChoices):
    STAFF = "staff", _("staff")
    QR = "qr", _("resident's QR page")


class SignUp(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=SignUpChannel.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "household"], name="signup_household_once")]


class AttendanceVia(models.TextChoices):
    SCAN = "scan", _("scanned the code at the door")
    STAFF = "staff", _("recorded by staff")


class Attendance(models.Model):
    """A household at an activity: one row however often it scans (the unique constraint)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=8, choices=AttendanceVia.choices)
    at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "household"], name="attendance_household_once")]

"""Volunteers (R-PAR-1): who serves, in which team (1 + 5 + N), the households each looks after,
residents' applications, training and the yearly stars.

A volunteer is a person of the registry: this table links to them and never copies a name, a
phone or an ID number. Their hours, the points ledger and the catalogue live in
volunteer_points.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.core.models import TransitionHistory
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person

# The plan's 1 + 5 + N: one grid worker leads at most five volunteers.
TEAM_SIZE = 5


class Team(models.Model):
    """One grid worker and up to five volunteers of the same grid. `member_count` is claimed with
    a conditional UPDATE (… WHERE member_count < 5), so two enrolments at once cannot make a sixth;
    the CHECK constraint is the database's own guard."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="volunteer_teams")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_teams")
    name = models.CharField(_("team name"), max_length=60)
    member_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("volunteer team")
        ordering = ["grid_id", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(member_count__lte=TEAM_SIZE), name="team_at_most_five"),
            models.UniqueConstraint(fields=["grid", "name"], name="team_name_unique_in_grid"),
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    LEFT = "left", _("left")


class Volunteer(TransitionHistory, models.Model):
    TRANSITIONS = {
        VolunteerStatus.ACTIVE: frozenset({VolunteerStatus.PAUSED, VolunteerStatus.LEFT}),
        VolunteerStatus.PAUSED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.LEFT}),
        VolunteerStatus.LEFT: frozenset(),
    }

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="volunteer")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="volunteers")
    # The account they sign in with (role "volunteer"), if any: many volunteers never sign in.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="volunteer"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=VolunteerStatus.choices, default="active")
    version = models.PositiveIntegerField(default=0)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("volunteer")
        ordering = ["grid_id", "pk"]
        indexes = [models.Index(fields=["grid", "status"])]

    def __str__(self) -> str:
        return f"{_('volunteer')} #{self.pk}"


class CareAssignment(models.Model):
    """A household a volunteer looks after (the N of 1 + 5 + N): one volunteer per household."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="care")
    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="volunteer_care")
    since = models.DateField()

    class Meta:
        verbose_name = _("looked-after household")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class VolunteerApplication(TransitionHistory, models.Model):
    """A resident's offer to volunteer, sent from their household's QR page. It names the
    household only: the QR page shows nobody's name, so community staff choose the person from the
    household's members when they accept it."""

    TRANSITIONS = {
        ApplicationStatus.PENDING: frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED}),
        ApplicationStatus.ACCEPTED: frozenset(),
        ApplicationStatus.DECLINED: frozenset(),
    }

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="volunteer_applications")
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default="pending")
    version = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField()
    volunteer = models.ForeignKey(Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("volunteer application")
        ordering = ["-received_at"]


class TrainingRecord(models.Model):
    """A course a volunteer completed: its hours count towards the yearly stars."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="training")
    title = models.CharField(_("course"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("training record")
        ordering = ["-completed_on"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]


class StarRating(models.Model):
    """A volunteer's stars (星级评定) for one year, with the figures they were computed from, so
    the page shows the rule beside the numbers that met it. Recomputing a year replaces its row."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="stars")
    year = models.PositiveSmallIntegerField()
    stars = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=7, decimal_places=1)
    rated_tasks = models.PositiveIntegerField()
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    training_hours = models.DecimalField(max_digits=6, decimal_places=1)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("star rating")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "year"], name="one_star_rating_a_year"),
            models.CheckConstraint(condition=Q(stars__lte=5), name="at_most_five_stars"),
        ]

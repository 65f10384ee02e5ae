from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.roles import Capability, Role, role_can
from qiaomen.core.models import TimeStampedModel
from qiaomen.places.models import Building, Community, Grid, Street


class Department(TimeStampedModel):
    """A department that handles tickets (民政, 卫健 …). Codes are stable (taxonomy.md)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    street = models.ForeignKey(Street, null=True, blank=True, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = _("department")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """One account per person (SECURITY line 10): no shared or default accounts."""

    # Blank for an account the system admin has created and the security admin has not yet given
    # a role: it may do nothing (三员分立: who makes accounts is not who grants rights).
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # The person behind the account (工号): unique wherever given, so one person cannot hold two
    # accounts, and required for the admin duties (SECURITY lines 10 and 15).
    staff_number = models.CharField(_("staff number"), max_length=32, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="handlers")
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by a password reset: the temporary password opens only the password change page.
    must_change_password = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_number"], condition=~Q(staff_number=""), name="user_staff_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def can(self, capability: Capability) -> bool:
        return self.is_active and role_can(self.role, capability)


class PlaceAssignment(models.Model):
    """Where a user may act: exactly one of street, community, grid or building."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="places")
    street = models.ForeignKey(Street, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("place assignment")
        constraints = [
            models.CheckConstraint(
                name="place_assignment_exactly_one_place",
                condition=(
                    Q(street__isnull=False, community__isnull=True, grid__isnull=True, building__isnull=True)
                    | Q(street__isnull=True, community__isnull=False, grid__isnull=True, building__isnull=True)
                    | Q(street__isnull=True, community__isnull=True, grid__isnull=False, building__isnull=True)
                    | Q(street__isnull=True, community__isnull=True, grid__isnull=True, building__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.place)

    @property
    def place(self) -> Street | Community | Grid | Building:
        place = self.street or self.community or self.grid or self.building
        assert place is not None  # the check constraint holds exactly one
        return place


class ApiToken(models.Model):
    """A Bearer token for the phone client. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")


class RecoveryCode(models.Model):
    """One of the ten one-time codes that stand in for a lost phone (SECURITY line 13). Only a
    hash is kept: the codes are shown once, at enrolment. A used code keeps its row, marked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")


class ScreenToken(models.Model):
    """A read-only kiosk link for the wall screen of one street (大屏): it shows that street's
    aggregates only, with no session to time out. Only a hash of the key is kept; the link is
    shown once. Revoked or past its expiry, it opens nothing from the next request on."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("screen link")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

"""Demands as tickets: taxonomy, routing, deadlines, states and the triple confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.core.events import Transition
from qiaomen.core.fields import EncryptedJSONField, EncryptedTextField
from qiaomen.core.models import SealedRow
from qiaomen.core.transitions import table_from_actions
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person


class Priority(models.TextChoices):
    P1 = "P1", _("immediate")
    P2 = "P2", _("within 24 hours")
    P3 = "P3", _("within 3 working days")


class Category(models.Model):
    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Subcategory(models.Model):
    """A sub-category with its routing. Codes are stable (taxonomy.md); a retired one stays
    readable on old tickets but takes no new ones."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="subcategories")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department"))
    default_priority = models.CharField(_("default priority"), max_length=2, choices=Priority.choices)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("words that suggest this sub-category, separated by spaces")
    )
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WorkdayOverride(models.Model):
    """The admin's correction of the working-day calendar (a local day off, a late 调休)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("working-day override")
        ordering = ["date"]


class Channel(models.TextChoices):
    VISIT = "visit", _("found on a visit (proactive)")
    QR = "qr", _("resident's QR page")
    STAFF = "staff", _("phone or walk-in")
    API = "api", _("API")
    DEVICE = "device", _("device alert")


class Status(models.TextChoices):
    NEW = "new", _("new")
    ROUTED = "routed", _("routed")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    RETURNED = "returned", _("returned for more information")
    TRANSFERRED = "transferred", _("transferred")
    RESOLVED = "resolved", _("resolved")
    REOPENED = "reopened", _("reopened")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged into another ticket")


S = Status
WAITING_FOR_HANDLER = frozenset({S.ROUTED, S.TRANSFERRED, S.REOPENED})

# What each ticket action does: the states it may start from, the state it leads to. Escalation
# is not a state: a ticket climbs community → street → joint meeting while it stays in whatever
# state it is in (escalation_level), so that "escalated and accepted" is expressible.
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "route": (frozenset({S.NEW, S.RETURNED}), S.ROUTED),
    "accept": (WAITING_FOR_HANDLER, S.ACCEPTED),
    "start": (frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "transfer": (WAITING_FOR_HANDLER | {S.ACCEPTED, S.IN_PROGRESS}, S.TRANSFERRED),
    "return": (WAITING_FOR_HANDLER | {S.ACCEPTED, S.IN_PROGRESS}, S.RETURNED),
    "resolve": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.RESOLVED),
    "reopen": (frozenset({S.RESOLVED, S.CLOSED}), S.REOPENED),
    "close": (frozenset({S.RESOLVED}), S.CLOSED),
    # A duplicate of another open ticket is folded into it; the other one carries on.
    "merge": (frozenset({S.NEW, S.RETURNED}) | WAITING_FOR_HANDLER | {S.ACCEPTED, S.IN_PROGRESS}, S.MERGED),
}
# The state table that claim_transition checks (state → the states it may move to).
TICKET_TRANSITIONS = table_from_actions(ACTIONS)

OPEN_STATUSES = frozenset(Status.values) - {S.RESOLVED, S.CLOSED, S.MERGED}
# What an inbox shows: open, or resolved and waiting for the grid worker's confirmation. Sorted:
# the same SQL every run, so that the partial index below and its migration stay one.
PENDING_Q = Q(status__in=sorted(OPEN_STATUSES)) | Q(status=S.RESOLVED, worker_confirmed_at__isnull=True)


def target_of(action: str, current: str) -> str | None:
    """The state `action` leads to from `current`, or None if it is not allowed there."""
    allowed, target = ACTIONS[action]
    return target if current in allowed else None


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("not escalated")
    COMMUNITY = 1, _("community")
    STREET = 2, _("street")
    JOINT_MEETING = 3, _("joint meeting (联席会议)")


class Ticket(SealedRow):
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    # Free text that can hold health and family details: encrypted; lists and search go
    # through the classifier's sub-category and priority, never through this text.
    description = EncryptedTextField(_("description"), blank=False)
    subcategory = models.ForeignKey(Subcategory, on_delete=models.PROTECT, related_name="tickets")
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tickets")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="handled_tickets"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    routed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The first acceptance ever: the response time; accepted_at moves on after a reopen.
    first_accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Deadlines, stored when routed and recomputed only when the priority changes.
    accept_by = models.DateTimeField(_("accept by"), null=True, blank=True)
    start_by = models.DateTimeField(_("start by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    # The next moment the sweep must look at this ticket; null once nothing is pending.
    escalate_after = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices, default=EscalationLevel.NONE)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats")
    transfer_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    resolved_on_spot = models.BooleanField(default=False)
    resolution_note = EncryptedTextField()
    worker_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker_confirmed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    demand = models.OneToOneField(
        "visits.Demand", null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )
    # What the classifier suggested when the text came in: code, priority, department,
    # confidence, the words that weighed most, emergency signals, model version. Kept as it was
    # so that a staff correction can be compared with it. Encrypted: the words come from the text.
    suggestion = EncryptedJSONField()
    # Set by a resident (QR page) or an Open311 client who asks to be called back.
    callback_phone = EncryptedTextField(_("call-back phone"), purpose="ticket.callback_phone")
    # The resident's separate consent to health information being kept (PIPL art. 28-29).
    health_consent = models.BooleanField(_("consent to health information"), default=False)
    # The door code the resident scanned, when the ticket came from the QR page.
    door_code = models.ForeignKey(
        "registry.DoorCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_tickets"
    )
    version = models.PositiveIntegerField(default=1)
    # A client's retry of the same POST (the `Idempotency-Key` header) is answered with this
    # ticket instead of making another: unique per creating user. NULL for tickets created
    # without a key (NULLs never collide). The digest, a keyed hash of what was asked, tells a
    # true retry from a different request that reuses the key.
    client_key = models.CharField(max_length=64, null=True, blank=True)
    client_digest = models.CharField(max_length=64, blank=True, default="")

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = TICKET_TRANSITIONS

    class Meta:
        verbose_name = _("ticket")
        indexes = [
            models.Index(fields=["escalate_after"], condition=Q(escalate_after__isnull=False), name="ticket_sweep_due"),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["household", "subcategory", "created_at"]),
            models.Index(fields=["created_at"]),
            # The inbox reads only what still waits on someone (selectors.ticket_inbox), a few per
            # cent of a city's tickets: without this, counting and sorting them read every ticket
            # of the street (250 ms at 312,500 tickets, bench/city.py).
            models.Index(fields=["grid", "escalate_after"], condition=PENDING_Q, name="ticket_inbox_pending"),
            # A page of an inbox in its order (tickets.inbox): the pending tickets by deadline and
            # number, with what says whose and whether overdue, so that a page is read from the
            # index in order and the reading stops at the page's end.
            models.Index(
                fields=["escalate_after", "id", "grid", "status", "escalation_level"],
                condition=PENDING_Q,
                name="ticket_inbox_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "client_key"], name="ticket_client_key_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subcategory.name}"

    def transition_event(self, event: Transition) -> None:
        """Its history is the timeline the ticket page shows (core.transitions)."""
        ticket_event_write(self, event, old=event.old, new=event.new)


class ClassificationCorrection(SealedRow):
    """A person's decision on a classifier suggestion: confirmed or corrected. Every one is kept
    and becomes training data the next time `train_classifier` runs."""

    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="classification_corrections"
    )
    text = EncryptedTextField(blank=False)  # a copy of the ticket's description
    suggested_code = models.CharField(max_length=16, blank=True)
    suggested_priority = models.CharField(max_length=2, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    subcategory = models.ForeignKey(Subcategory, on_delete=models.PROTECT, related_name="+")
    priority = models.CharField(max_length=2, choices=Priority.choices)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField()
    # The model version that first trained on this correction; blank until retrained.
    trained_in = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["corrected_at", "pk"]


class TicketEvent(SealedRow):
    """History of a ticket: every transition, with who, why and when. Never edited."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    old_status = models.CharField(max_length=16, blank=True)
    new_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField()
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["ticket", "at"])]


class RatingLink(models.Model):
    """A one-time link for the resident to rate the result; only the token's hash is kept."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="rating_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class SpotCheckResult(models.TextChoices):
    PENDING = "pending", _("to check")
    CONFIRMED = "confirmed", _("confirmed")
    FAILED = "failed", _("not confirmed")


class SpotCheck(SealedRow):
    """A supervisor's check of a closed ticket: a random sample plus every poorly rated one."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="spot_check")
    reason = models.CharField(max_length=16)  # "sample" or "low_rating"
    result = models.CharField(max_length=16, choices=SpotCheckResult.choices, default=SpotCheckResult.PENDING)
    note = EncryptedTextField()
    created_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    STATE_FIELD: ClassVar[str] = "result"
    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = {
        SpotCheckResult.PENDING: frozenset({SpotCheckResult.CONFIRMED, SpotCheckResult.FAILED}),
    }

    def transition_event(self, event: Transition) -> None:
        """The verdict goes on the ticket's timeline; the ticket's own status does not change."""
        ticket_event_write(self.ticket, event, old=self.ticket.status, new=self.ticket.status)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "read_at"])]


class PhotoKind(models.TextChoices):
    REPORT = "report", _("with the demand")
    RESOLUTION = "resolution", _("with the result")


class TicketPhoto(models.Model):
    """A photo of a demand (entered with the ticket) or of the handler's result; the file lives
    under UPLOAD_DIR/ticket-photos with a random name (qiaomen.core.photos)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=16, choices=PhotoKind.choices)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Where the photo says it was taken (EXIF GPS), kept server-side only, never served or shown.
    exif_location = models.JSONField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]


def ticket_event_write(ticket: Ticket, event: Transition, *, old: str, new: str) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        action=event.action,
        old_status=old,
        new_status=new,
        actor=event.actor,
        reason=event.reason,
        detail=event.detail,
        at=event.at,
    )

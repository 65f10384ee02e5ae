from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaomen.core.events import Transition


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SealedRow(models.Model):
    """A model with encrypted fields: `row_key` is the row's identity in the associated data of
    its ciphertexts (see core.crypto). A random UUID fixed when the instance is made, so that it is
    known before the INSERT (an auto-increment key is not) and every writer, bulk ones too, can
    seal a value in the same statement that stores it. Unique: copying a ciphertext together with
    its row key into another row is refused by the database."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class AuditResult(models.TextChoices):
    OK = "ok", _("succeeded")
    DENIED = "denied", _("denied")
    FAILED = "failed", _("failed")


class AuditEntry(models.Model):
    """One row of the append-only, hash-chained audit log (SECURITY.md lines 20-23).

    `row_hash` covers every other column and the previous row's hash, so an edit or a deletion
    anywhere breaks the chain from that row on. On PostgreSQL and SQLite a trigger refuses
    UPDATE and DELETE; no code path edits these rows.
    """

    at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("user"), max_length=150, blank=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=AuditResult.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.result}"


class AnchorKind(models.TextChoices):
    HEAD = "head", _("chain head")
    TRIM = "trim", _("rows removed by retention")


class AuditAnchor(models.Model):
    """A position of the audit chain, written apart from the chain (hole 5, SECURITY 23).

    The chain proves its middle: an edited or removed row breaks every hash after it. It cannot
    prove its end: deleting the newest rows leaves a shorter chain that is still whole. A periodic
    job writes the head (kind `head`) here and to the log; `audit_verify` then finds a chain that
    ends before an anchor. Retention removes the oldest rows only after writing a `trim` anchor
    naming the last row it removes: the database refuses to delete any row after the newest trim
    mark, and the chain is checked from that mark on. Append-only like the log itself.
    """

    at = models.DateTimeField()
    kind = models.CharField(max_length=8, choices=AnchorKind.choices, default=AnchorKind.HEAD)
    # Rows written since the log began, up to and including last_entry_id.
    entry_count = models.PositiveBigIntegerField()
    last_entry_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["kind", "last_entry_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M:%S} count {self.entry_count} #{self.last_entry_id}"


class TransitionEvent(models.Model):
    """The history of a stateful row that keeps no timeline of its own (a planned visit, a
    verification): every claim_transition on it, with who, why and when. Never edited.
    A ticket writes its TicketEvent instead, which its timeline shows."""

    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=32)
    old_status = models.CharField(max_length=16)
    new_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]


class TransitionHistory:
    """Mixin of a stateful model whose history rows are TransitionEvents (see core.transitions)."""

    pk: Any
    _meta: Any

    def transition_event(self, event: Transition) -> None:
        TransitionEvent.objects.create(
            object_type=self._meta.label_lower,
            object_id=str(self.pk),
            action=event.action,
            old_status=event.old,
            new_status=event.new,
            actor=event.actor,
            reason=event.reason,
            detail=event.detail,
            at=event.at,
        )

"""The acknowledgement timer of a device alarm's P1 ticket (R-DEV-1).

An alarm that opens a ticket starts one record: it waits to be acknowledged. While it waits, each
time `due_at` passes the sweep raises it one rung of the ladder (grid worker → backup contacts →
community duty officer → street command centre), a timeline row on the ticket and a notification
to that rung's people each time. Acknowledging stops the ladder; arrival on site ends the record.
Every change goes through `claim_transition`, so two sweeps never raise the same rung twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaomen.core.models import TransitionHistory


class AckStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ON_SITE = "on_site", _("arrived on site")


class AckRung(models.IntegerChoices):
    GRID_WORKER = 0, _("grid worker")
    BACKUP_CONTACTS = 1, _("backup contacts")
    COMMUNITY_DUTY = 2, _("community duty officer")
    STREET_COMMAND = 3, _("street command centre")


ACK_TRANSITIONS: dict[str, frozenset[str]] = {
    AckStatus.WAITING: frozenset({AckStatus.ACKNOWLEDGED, AckStatus.ON_SITE}),
    AckStatus.ACKNOWLEDGED: frozenset({AckStatus.ON_SITE}),
}


class AlarmAcknowledgement(TransitionHistory, models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="device_ack", verbose_name=_("ticket")
    )
    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("device")
    )
    status = models.CharField(_("status"), max_length=16, choices=AckStatus.choices, default=AckStatus.WAITING)
    version = models.PositiveIntegerField(default=1)
    rung = models.PositiveSmallIntegerField(_("ladder rung"), choices=AckRung.choices, default=AckRung.GRID_WORKER)
    started_at = models.DateTimeField(_("alarm at"))
    # When the next rung is due while waiting; None once acknowledged or at the top of the ladder.
    due_at = models.DateTimeField(_("next step due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    on_site_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = ACK_TRANSITIONS

    class Meta:
        verbose_name = _("alarm acknowledgement")
        ordering = ["started_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.status}"

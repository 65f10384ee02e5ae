"""Devices that call for help (R-DEV-1): wristbands, SOS buttons and sensors, their vendors, and
every event they send.

A device serves a household (and, for a wearable, one of its people): a link to the registry's
rows, never a copy. Its grid worker and backup contacts are the staff who answer it. A vendor's
HMAC secret is kept encrypted; an event is stored once per (vendor, event id), so a retry of the
same event, by webhook or MQTT, finds the first one and creates nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaomen.core.fields import EncryptedTextField
from qiaomen.core.models import SealedRow, TimeStampedModel, TransitionHistory
from qiaomen.registry.models import Household, Person


class Vendor(SealedRow, TimeStampedModel):
    """A device vendor or gateway: signs what it sends with its own secret."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    secret = EncryptedTextField(_("HMAC secret"), blank=False)
    active = models.BooleanField(_("vendor enabled"), default=True)

    class Meta:
        verbose_name = _("device vendor")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DeviceKind(models.TextChoices):
    WRISTBAND = "wristband", _("smart wristband")
    SOS_BUTTON = "sos_button", _("SOS button")
    GAS_SENSOR = "gas_sensor", _("smoke or gas sensor")
    DOOR_SENSOR = "door_sensor", _("door sensor")


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    OFFLINE = "offline", _("offline")
    RETIRED = "retired", _("retired")


# Offline and back comes from heartbeats; retiring is final (a device used again is registered anew).
DEVICE_TRANSITIONS: dict[str, frozenset[str]] = {
    DeviceStatus.ACTIVE: frozenset({DeviceStatus.OFFLINE, DeviceStatus.RETIRED}),
    DeviceStatus.OFFLINE: frozenset({DeviceStatus.ACTIVE, DeviceStatus.RETIRED}),
}


class Device(TransitionHistory, TimeStampedModel):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="devices", verbose_name=_("vendor"))
    serial = models.CharField(_("vendor serial"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=DeviceKind.choices)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="devices", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="devices", verbose_name=_("wearer")
    )
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid worker"),
    )
    backup_contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("backup contacts")
    )
    status = models.CharField(_("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True, db_index=True)
    battery = models.PositiveSmallIntegerField(_("battery (%)"), null=True, blank=True)
    # The alarm ticket repeated alarms join while it is open and the last alarm is recent.
    alarm_ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_alarm_at = models.DateTimeField(_("last alarm"), null=True, blank=True)
    alarm_count = models.PositiveIntegerField(_("alarms"), default=0)
    battery_ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offline_ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    TRANSITIONS: ClassVar[Mapping[str, frozenset[str]]] = DEVICE_TRANSITIONS

    class Meta:
        verbose_name = _("device")
        ordering = ["vendor", "serial"]
        constraints = [models.UniqueConstraint(fields=["vendor", "serial"], name="device_serial_once_per_vendor")]
        indexes = [models.Index(fields=["status", "last_heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class EventKind(models.TextChoices):
    ALARM_FALL = "alarm_fall", _("fall detected")
    ALARM_SOS = "alarm_sos", _("SOS pressed")
    ALARM_GAS = "alarm_gas", _("gas detected")
    ALARM_SMOKE = "alarm_smoke", _("smoke detected")
    HEARTBEAT = "heartbeat", _("heartbeat")
    BATTERY = "battery", _("battery report")


ALARM_KINDS = frozenset({EventKind.ALARM_FALL, EventKind.ALARM_SOS, EventKind.ALARM_GAS, EventKind.ALARM_SMOKE})


class EventVia(models.TextChoices):
    WEBHOOK = "webhook", _("signed webhook")
    MQTT = "mqtt", _("MQTT")


class EventOutcome(models.TextChoices):
    OPENED = "opened", _("opened a ticket")
    JOINED = "joined", _("joined the open ticket")
    RECORDED = "recorded", _("recorded")


class DeviceEvent(models.Model):
    """One event a vendor sent, stored once per (vendor, event id)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=64)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    via = models.CharField(_("received via"), max_length=8, choices=EventVia.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), db_index=True)
    battery = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(_("event outcome"), max_length=8, choices=EventOutcome.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="device_events"
    )
    # For an alarm: the how-many-th alarm of its ticket (1 opened it, later ones joined it).
    repeat_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["vendor", "event_id"], name="device_event_once_per_vendor")]
        indexes = [models.Index(fields=["device", "received_at"])]


class SeenNonce(models.Model):
    """A nonce a vendor has used: a request that uses it again is a replay. Kept a little longer
    than the accepted clock skew, after which the timestamp check refuses the replay anyway."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor", "nonce"], name="nonce_once_per_vendor")]

"""Devices gone silent: one whose last sign of life (or, never heard, its registration) is older
than its kind's DEVICE_HEARTBEAT_MINUTES turns offline through claim_transition and opens a P2
ticket for its grid worker, unless its offline ticket is still open. Run every minute by the
huey consumer (devices.tasks); also drops the webhook nonces too old to be replayed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.core.transitions import claim_transition
from qiaomen.devices.models.devices import Device, DeviceKind, DeviceStatus, SeenNonce
from qiaomen.devices.tickets import device_ticket_open, ticket_is_open


def _silent_since(device: Device) -> dt.datetime:
    return device.last_heartbeat_at or device.created_at


def devices_offline_sweep() -> list[int]:
    """The devices turned offline now (their pks)."""
    now = timezone.now()
    turned: list[int] = []
    for kind, minutes in settings.DEVICE_HEARTBEAT_MINUTES.items():
        cutoff = now - dt.timedelta(minutes=minutes)
        silent = Device.objects.filter(kind=kind, status=DeviceStatus.ACTIVE).filter(
            Q(last_heartbeat_at__lt=cutoff) | Q(last_heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
        for pk in silent.values_list("pk", flat=True):
            if _turn_offline(pk, cutoff, now):
                turned.append(pk)
    # A nonce is kept while a message carrying it could still be accepted (webhook or MQTT), twice over.
    kept = 2 * max(settings.DEVICE_WEBHOOK_SKEW_SECONDS, settings.DEVICE_MQTT_MAX_AGE_SECONDS)
    SeenNonce.objects.filter(seen_at__lt=now - dt.timedelta(seconds=kept)).delete()
    return turned


def _turn_offline(pk: int, cutoff: dt.datetime, now: dt.datetime) -> bool:
    with transaction.atomic():
        # The device's lock, as an event takes it: a heartbeat that came meanwhile is seen here.
        Device.objects.filter(pk=pk).update(updated_at=now)
        device = Device.objects.select_related("vendor", "offline_ticket", "grid_worker").get(pk=pk)
        if device.status != DeviceStatus.ACTIVE or _silent_since(device) >= cutoff:
            return False
        silent_since = _silent_since(device)
        claim_transition(
            row=device,
            to_state=DeviceStatus.OFFLINE,
            action="offline",
            actor=None,
            detail={"silent_since": silent_since.isoformat()},
            at=now,
        )
        if device.offline_ticket is not None and ticket_is_open(device.offline_ticket):
            return True
        local = timezone.localtime(silent_since).strftime("%Y-%m-%d %H:%M")
        ticket = device_ticket_open(
            device,
            priority="P2",
            text=_("Device offline: %(device)s %(serial)s has sent nothing since %(since)s; check on the household.")
            % {"device": DeviceKind(device.kind).label, "serial": device.serial, "since": local},
            action="device_offline",
            detail={"device": device.pk, "device_kind": device.kind, "serial": device.serial, "since": local},
        )
        Device.objects.filter(pk=pk).update(offline_ticket=ticket)
    return True

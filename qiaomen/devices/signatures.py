"""Who sent a device event: the signed webhook's check (R-DEV-1).

A vendor (or its gateway) sends four headers with each request: its code, a Unix timestamp in
seconds, a nonce (8 to 64 characters, never used twice) and the signature, the hex HMAC-SHA256
with the vendor's secret over `timestamp + "\n" + nonce + "\n" + body` (the body's raw bytes).

The check runs on the raw body before anything reads it as JSON, in this order: a known active
vendor, then the signature (compared in constant time, so that a refused request learns nothing
of the expected one), then the timestamp within DEVICE_WEBHOOK_SKEW_SECONDS of our clock (the
signature has just proved it was not changed), then the nonce, stored at once: a second request
with it is a replay. Only a signed, fresh request spends a nonce. Every refusal is a 401 with its
own code and an audit row (result denied).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import NoReturn

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.core.audit import audit_record
from qiaomen.core.errors import DomainError
from qiaomen.core.models import AuditResult
from qiaomen.devices.models.devices import SeenNonce, Vendor

NONCE_LENGTHS = range(8, 65)


class Unauthenticated(DomainError):
    status = 401


def webhook_signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _refuse(
    code: str, message: str, *, vendor_code: str, vendor: Vendor | None, request: HttpRequest | None
) -> NoReturn:
    audit_record(
        action="device.webhook_refused",
        actor_name=f"vendor:{vendor_code[:32]}",
        request=request,
        object_type="devices.vendor",
        object_id=vendor.pk if vendor is not None else "",
        result=AuditResult.DENIED,
        detail={"code": code},
    )
    raise Unauthenticated(code, message)


def webhook_verify(
    *,
    vendor_code: str,
    timestamp: str,
    nonce: str,
    signature: str,
    body: bytes,
    request: HttpRequest | None = None,
    max_age_seconds: int | None = None,
) -> Vendor:
    """The vendor that signed this request; Unauthenticated (401) with the reason otherwise.
    `max_age_seconds`: how far the timestamp may be from our clock (DEVICE_WEBHOOK_SKEW_SECONDS
    unless given: an MQTT message the broker kept while the consumer was down is older)."""
    skew = settings.DEVICE_WEBHOOK_SKEW_SECONDS if max_age_seconds is None else max_age_seconds
    vendor = Vendor.objects.filter(code=vendor_code, active=True).first() if vendor_code else None
    if vendor is None:
        _refuse(
            "unknown_vendor", _("Unknown or inactive vendor."), vendor_code=vendor_code, vendor=None, request=request
        )
    expected = webhook_signature(vendor.secret, timestamp, nonce, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        _refuse(
            "bad_signature", _("The signature does not match."), vendor_code=vendor_code, vendor=vendor, request=request
        )
    try:
        sent = int(timestamp)
    except ValueError:
        sent = None
    if sent is None or abs(timezone.now().timestamp() - sent) > skew:
        _refuse(
            "stale_timestamp",
            _("The timestamp is missing or too far from the server's clock."),
            vendor_code=vendor_code,
            vendor=vendor,
            request=request,
        )
    if len(nonce) not in NONCE_LENGTHS:
        _refuse(
            "bad_nonce",
            _("The nonce must be 8 to 64 characters."),
            vendor_code=vendor_code,
            vendor=vendor,
            request=request,
        )
    try:
        with transaction.atomic():
            SeenNonce.objects.create(vendor=vendor, nonce=nonce, seen_at=timezone.now())
    except IntegrityError:
        _refuse(
            "replayed_nonce", _("This nonce was used before."), vendor_code=vendor_code, vendor=vendor, request=request
        )
    return vendor

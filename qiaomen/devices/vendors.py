"""Vendors (or gateways) that may send device events: each gets its own HMAC secret, shown once
when it is made or renewed and kept only encrypted (Vendor.secret)."""

from __future__ import annotations

import re
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.devices.models.devices import Vendor

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")


def _secret() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def vendor_create(*, name: str, code: str) -> tuple[Vendor, str]:
    """(vendor, its secret): the secret is for the vendor's platform and is not shown again."""
    name, code = name.strip(), code.strip().lower()
    if not name or len(name) > 100:
        raise InvalidInput("name_invalid", _("Enter the vendor's name (at most 100 characters)."))
    if not CODE.match(code):
        raise InvalidInput("code_invalid", _("The code is 2 to 32 lower-case letters, digits or hyphens."))
    if Vendor.objects.filter(code=code).exists():
        raise Conflict("vendor_code_taken", _("A vendor with this code exists already."))
    secret = _secret()
    with transaction.atomic():
        vendor = Vendor.objects.create(name=name, code=code, secret=secret)
        audit_record(action="device.vendor_create", obj=vendor, detail={"code": code})
    return vendor, secret


def vendor_secret_renew(*, vendor: Vendor) -> str:
    """A new secret for the vendor; the old one stops working at once."""
    secret = _secret()
    with transaction.atomic():
        vendor.secret = secret
        vendor.save(update_fields=["secret", "updated_at"])
        audit_record(action="device.vendor_secret_renew", obj=vendor, detail={"code": vendor.code})
    return secret

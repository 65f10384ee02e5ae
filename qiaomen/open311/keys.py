"""Open311 API keys: created by an administrator on the command line, shown once, stored hashed.

A key is `secrets.token_urlsafe(32)` (256 random bits); the database keeps its SHA-256, so a copy
of the database gives nobody a working key. Revoking keeps the row (requests point at it) and the
key stops working at once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput, NotFound
from qiaomen.core.tokens import token_hash, token_new
from qiaomen.open311.models import Open311Key
from qiaomen.places.models import Street

MAX_NAME = 100


def open311_key_create(*, name: str, street_code: str = "") -> tuple[str, Open311Key]:
    """A new key for the client `name`; the key is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            "key_name_invalid", _("Give the client a name (1–%(limit)s characters).") % {"limit": MAX_NAME}
        )
    street = None
    if street_code:
        street = Street.objects.filter(code=street_code).first()
        if street is None:
            raise NotFound("street_not_found", _("No street has the code “%(code)s”.") % {"code": street_code})
    key = token_new(32)
    try:
        with transaction.atomic():
            record = Open311Key.objects.create(
                name=name, key_hash=token_hash(key), created_at=timezone.now(), street=street
            )
            audit_record(
                action="open311.key_create",
                actor_name="manage.py",
                obj=record,
                detail={"name": name, "street": street_code},
            )
    except IntegrityError:
        raise Conflict("key_name_taken", _("A client key named “%(name)s” already exists.") % {"name": name}) from None
    return key, record


def open311_key_revoke(*, name: str) -> Open311Key:
    with transaction.atomic():
        record = Open311Key.objects.filter(name=name.strip(), revoked_at__isnull=True).first()
        if record is None:
            raise NotFound("key_not_found", _("No valid key is named “%(name)s”.") % {"name": name})
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
        audit_record(action="open311.key_revoke", actor_name="manage.py", obj=record, detail={"name": record.name})
    return record


def presented_key(request: HttpRequest) -> str:
    """The api_key of a request: the GeoReport parameter (form field or query), or the
    X-Api-Key header for clients that keep keys out of URLs and access logs."""
    return (request.POST.get("api_key") or request.GET.get("api_key") or request.headers.get("X-Api-Key") or "").strip()


def open311_key_for(request: HttpRequest) -> Open311Key | None:
    """The live key this request presents, or None (missing, unknown and revoked look alike)."""
    key = presented_key(request)
    if not key:
        return None
    return Open311Key.objects.select_related("street").filter(key_hash=token_hash(key), revoked_at__isnull=True).first()

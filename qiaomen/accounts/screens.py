"""Kiosk links of the wall screen (大屏): issued and revoked by a street admin, opened by a
browser on the wall with no account. A link shows its street's aggregates only (SECURITY 19)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import ScreenToken, User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import PlaceScope, place_scope, streets_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Forbidden, InvalidInput, NotFound
from qiaomen.core.tokens import token_hash, token_new
from qiaomen.places.models import Street

# How long a link may live: long enough for a screen left on the wall, short enough to be renewed.
LONGEST_DAYS = 366
# last_used_at is written at most this often: the screen asks every minute.
USE_WRITE_EVERY = dt.timedelta(minutes=5)


def screen_streets(*, user: User) -> QuerySet[Street]:
    """The streets whose screen this user may hand out: the streets they are assigned to."""
    if not user.can(Capability.MANAGE_SCREENS):
        return Street.objects.none()
    return Street.objects.filter(pk__in=sorted(place_scope(user).street_ids))


def screen_tokens_for_user(*, user: User) -> QuerySet[ScreenToken]:
    return ScreenToken.objects.filter(street__in=screen_streets(user=user)).select_related("created_by", "street")


def screen_token_create(
    *, user: User, street: Street, name: str, days: int, request: HttpRequest | None = None
) -> tuple[ScreenToken, str]:
    """A new kiosk link for `street`; the key (256 random bits) is returned once, only its hash kept."""
    if not screen_streets(user=user).filter(pk=street.pk).exists():
        raise Forbidden("screen_street_forbidden", _("You may not issue screen links for this street."))
    name = name.strip()
    if not name:
        raise InvalidInput("screen_name_missing", _("Give the screen a name."))
    if not 1 <= days <= LONGEST_DAYS:
        raise InvalidInput("screen_days_out_of_range", _("A screen link lasts from 1 to 366 days."))
    key = token_new(32)
    now = timezone.now()
    with transaction.atomic():
        token = ScreenToken.objects.create(
            street=street,
            name=name,
            key_hash=token_hash(key),
            created_by=user,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(action="screen.token_create", actor=user, request=request, obj=token, detail={"days": days})
    return token, key


def screen_token_revoke(*, user: User, pk: int, request: HttpRequest | None = None) -> ScreenToken:
    """Ends a link at once: the screen's next refresh finds it revoked. Revoking twice is harmless."""
    token = screen_tokens_for_user(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound("screen_token_not_found", _("No such screen link."))
    with transaction.atomic():
        revoked = ScreenToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        )
        if revoked:
            audit_record(action="screen.token_revoke", actor=user, request=request, obj=token)
    token.refresh_from_db()
    return token


def screen_token_open(*, key: str) -> ScreenToken | None:
    """The valid link behind `key`, or None when it is unknown, revoked or expired."""
    now = timezone.now()
    token = (
        ScreenToken.objects.select_related("street")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is not None and (token.last_used_at is None or now - token.last_used_at > USE_WRITE_EVERY):
        ScreenToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def screen_token_scope(token: ScreenToken) -> PlaceScope:
    """The whole street of a link, as a street admin assigned to it sees it (scopes.place_scope)."""
    return streets_scope([token.street_id])

"""The resident's one-time rating links: issued at resolution (or again at the door), valid for
two weeks, used once. Only the token's SHA-256 is stored (core.tokens)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.core.errors import Conflict, NotFound
from qiaomen.core.tokens import token_hash, token_new
from qiaomen.tickets.models import RatingLink, Ticket

RATING_LINK_DAYS = 14


def rating_link_issue(*, ticket: Ticket) -> str:
    now = timezone.now()
    token = token_new()
    RatingLink.objects.create(
        ticket=ticket,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=RATING_LINK_DAYS),
    )
    return token


def rating_link_open(token: str, *, now: dt.datetime | None = None) -> RatingLink:
    """The link behind `token` while it may still be used: NotFound when unknown or expired,
    Conflict once used (the resident has rated already)."""
    now = now or timezone.now()
    link = RatingLink.objects.select_related("ticket__subcategory").filter(token_hash=token_hash(token)).first()
    if link is None or link.expires_at < now:
        raise NotFound("rating_link_invalid", _("This rating link is invalid or has expired."))
    if link.used_at is not None:
        raise Conflict("rating_link_used", _("This rating link has already been used."))
    return link

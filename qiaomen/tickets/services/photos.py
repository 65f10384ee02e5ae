"""Photos of a ticket: of the demand (from the resident or the visit) and of the result."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.errors import InvalidInput
from qiaomen.core.photos import photo_folder, photo_store, photos_clean
from qiaomen.core.transitions import claim_transition
from qiaomen.tickets.models import PhotoKind, Ticket, TicketPhoto

MAX_PHOTOS_PER_TICKET = 6
PHOTO_FOLDER = "ticket-photos"


def ticket_photo_path(photo: TicketPhoto) -> Path:
    return photo_folder(PHOTO_FOLDER) / photo.stored_name


def ticket_photos_add(*, ticket: Ticket, user: User | None, raws: list[bytes], kind: str) -> list[TicketPhoto]:
    """Store photos of a ticket (of the demand or of the result), all or none: every photo is
    checked before the first file is written, so a bad one leaves no orphan file on disk when
    the caller's transaction rolls the ticket or its resolution back. Each file is written
    before its row, so a row never points at nothing.

    The ticket is claimed first (its version bumped), so two uploads at once cannot pass the
    limit together: the second finds the ticket changed (409) on every database.
    """
    if kind not in PhotoKind.values:
        raise InvalidInput("photo_kind_invalid", _("Invalid photo kind."))
    if not raws:
        return []
    with transaction.atomic():
        count = ticket.photos.count()
        cleaned = photos_clean(
            raws,
            room=MAX_PHOTOS_PER_TICKET - count,
            too_many=_("A ticket may have at most %(limit)s photos.") % {"limit": MAX_PHOTOS_PER_TICKET},
        )
        claim_transition(
            row=ticket,
            to_state=None,
            action="photos_add",
            actor=user,
            detail={"kind": kind, "count": len(cleaned)},
            audit_detail={"kind": kind, "count": len(cleaned)},
        )
        folder = photo_folder(PHOTO_FOLDER)
        return [
            TicketPhoto.objects.create(
                ticket=ticket,
                kind=kind,
                stored_name=photo_store(photo, folder),
                content_type=photo.content_type,
                size=len(photo.data),
                sha256=photo.sha256,
                exif_location=photo.location,
                uploaded_by=user,
            )
            for photo in cleaned
        ]

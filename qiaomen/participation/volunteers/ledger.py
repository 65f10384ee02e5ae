"""The points ledger (R-PAR-1): append-only rows, the balance their sum.

`_append` is the ledger's only writer. It reads the volunteer's last row, refuses a balance below
zero, and inserts the next row of the chain; if another writer appended first, the unique
(volunteer, seq) refuses this insert and it reads again. So the balance can neither be spent
twice nor go negative, whatever runs at once; the CHECK on `balance_after` is the last guard.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.participation.models.volunteer_points import (
    CatalogueItem,
    EntryKind,
    PointsEntry,
    ServiceKind,
    ServiceRate,
    ServiceRecord,
)
from qiaomen.participation.models.volunteers import Volunteer, VolunteerStatus
from qiaomen.places.models import Street

# Points per hour where the street has set none yet (the rates page says so beside each).
DEFAULT_RATES: dict[str, int] = {ServiceKind.VISIT: 10, ServiceKind.ERRAND: 10, ServiceKind.ACTIVITY: 8}
_ATTEMPTS = 50  # appends that lose a race read the chain again; twenty at once settle well within this


def points_balance(volunteer: Volunteer) -> int:
    return int(PointsEntry.objects.filter(volunteer=volunteer).aggregate(total=Sum("points"))["total"] or 0)


def _append(
    *,
    volunteer: Volunteer,
    kind: str,
    points: int,
    actor: User | None,
    at: dt.datetime | None = None,
    service: ServiceRecord | None = None,
    item: CatalogueItem | None = None,
    corrects: PointsEntry | None = None,
    note: str = "",
) -> PointsEntry:
    for _attempt in range(_ATTEMPTS):
        last = PointsEntry.objects.filter(volunteer=volunteer).order_by("-seq").values("seq", "balance_after").first()
        seq, balance = (last["seq"], last["balance_after"]) if last else (0, 0)
        if balance + points < 0:
            raise InvalidInput(
                "points_insufficient",
                _("Not enough points: the balance is %(balance)s, this needs %(needed)s.")
                % {"balance": balance, "needed": -points},
                balance=balance,
            )
        try:
            with transaction.atomic():
                return PointsEntry.objects.create(
                    volunteer=volunteer,
                    seq=seq + 1,
                    kind=kind,
                    points=points,
                    balance_after=balance + points,
                    service=service,
                    item=item,
                    corrects=corrects,
                    note=note[:200],
                    at=at or timezone.now(),
                    created_by=actor,
                )
        except IntegrityError:
            if service is not None and PointsEntry.objects.filter(service=service).exists():
                raise Conflict("service_already_earned", _("These hours have already earned their points.")) from None
            continue  # another row took this place in the chain: read the new last row
    raise Conflict("ledger_busy", _("The points are being changed just now: try again."))


def rate_for(*, street_id: int, kind: str) -> int:
    row = ServiceRate.objects.filter(street_id=street_id, kind=kind).values_list("points_per_hour", flat=True).first()
    return int(row) if row is not None else DEFAULT_RATES[kind]


def rates_of(street: Street) -> list[tuple[str, str, int, bool]]:
    """(kind, label, points per hour, set by the street?) for each kind of service."""
    set_rates = dict(ServiceRate.objects.filter(street=street).values_list("kind", "points_per_hour"))
    return [
        (kind, str(label), int(set_rates.get(kind, DEFAULT_RATES[kind])), kind in set_rates)
        for kind, label in ServiceKind.choices
    ]


def rate_set(*, street: Street, kind: str, points_per_hour: int, actor: User) -> ServiceRate:
    if kind not in ServiceKind.values:
        raise InvalidInput("kind_invalid", _("Unknown kind of service."))
    if not 1 <= points_per_hour <= 1000:
        raise InvalidInput("rate_invalid", _("Points per hour are from 1 to 1000."))
    with transaction.atomic():
        row, _created = ServiceRate.objects.update_or_create(
            street=street, kind=kind, defaults={"points_per_hour": points_per_hour, "updated_at": timezone.now()}
        )
        audit_record(action="points.rate_set", actor=actor, obj=row, detail={"kind": kind, "rate": points_per_hour})
    return row


def points_for(hours: Decimal, rate: int) -> int:
    return int((hours * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def points_earn(*, service: ServiceRecord, actor: User | None, at: dt.datetime | None = None) -> PointsEntry:
    """The points of confirmed hours: hours × the street's rate for their kind."""
    volunteer = service.volunteer
    rate = rate_for(street_id=volunteer.grid.community.street_id, kind=service.kind)
    return _append(
        volunteer=volunteer,
        kind=EntryKind.EARN,
        points=points_for(service.hours, rate),
        actor=actor,
        at=at,
        service=service,
        note=f"{service.hours}h × {rate}",
    )


def points_redeem(
    *, volunteer: Volunteer, item: CatalogueItem, actor: User, request: HttpRequest | None = None
) -> PointsEntry:
    """Take one of `item` for its points: the stock and the points are claimed in one transaction,
    so a refusal of either leaves both as they were."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise InvalidInput("volunteer_not_active", _("Only an active volunteer redeems points."))
    if item.street_id != volunteer.grid.community.street_id:
        raise InvalidInput("item_other_street", _("This item is offered by another street."))
    with transaction.atomic():
        claimed = CatalogueItem.objects.filter(pk=item.pk, active=True, stock__gte=1).update(stock=F("stock") - 1)
        if not claimed:
            raise Conflict("out_of_stock", _("“%(item)s” is out of stock.") % {"item": item.name})
        entry = _append(
            volunteer=volunteer, kind=EntryKind.REDEEM, points=-item.points, actor=actor, item=item, note=item.name
        )
        audit_record(
            action="points.redeem",
            actor=actor,
            request=request,
            obj=volunteer,
            detail={"item": item.pk, "entry": entry.pk},
        )
    return entry


def points_correct(
    *, volunteer: Volunteer, points: int, note: str, actor: User, corrects: PointsEntry | None = None
) -> PointsEntry:
    """A correction is a new row (never an edit), with its reason; it may name the row it corrects."""
    if not note.strip():
        raise InvalidInput("reason_missing", _("Say why the points are corrected."))
    if points == 0:
        raise InvalidInput("points_zero", _("A correction adds or takes away at least one point."))
    if corrects is not None and corrects.volunteer_id != volunteer.pk:
        raise InvalidInput("entry_other_volunteer", _("The corrected row belongs to another volunteer."))
    with transaction.atomic():
        entry = _append(
            volunteer=volunteer,
            kind=EntryKind.CORRECT,
            points=points,
            actor=actor,
            corrects=corrects,
            note=note.strip(),
        )
        audit_record(action="points.correct", actor=actor, obj=volunteer, detail={"entry": entry.pk, "points": points})
    return entry


def points_expire(*, now: dt.datetime | None = None) -> int:
    """Points older than POINTS_EXPIRE_DAYS and still unspent expire, as new negative rows.

    Spending takes the oldest points first: of the points earned before the cut-off, what every
    debit so far (redemptions, earlier expiries, negative corrections) has not used up expires.
    Running it twice expires nothing more. Returns how many volunteers lost points.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.POINTS_EXPIRE_DAYS)
    rows = (
        PointsEntry.objects.values("volunteer_id")
        .annotate(
            old_credit=Sum("points", filter=Q(points__gt=0, at__lt=cutoff), default=0),
            debits=Sum("points", filter=Q(points__lt=0), default=0),
        )
        .filter(old_credit__gt=-F("debits"))
    )
    expired = 0
    for row in rows:
        volunteer = Volunteer.objects.get(pk=row["volunteer_id"])
        amount = int(row["old_credit"] + row["debits"])
        _append(
            volunteer=volunteer,
            kind=EntryKind.EXPIRE,
            points=-amount,
            actor=None,
            at=now,
            note=_("earned before %(day)s") % {"day": timezone.localdate(cutoff).isoformat()},
        )
        expired += 1
    if expired:
        audit_record(action="points.expire", detail={"volunteers": expired, "cutoff": cutoff.isoformat()})
    return expired


def catalogue_item_save(
    *,
    street: Street,
    name: str,
    points: int,
    stock: int,
    actor: User,
    description: str = "",
    item: CatalogueItem | None = None,
    active: bool = True,
    stock_was: int | None = None,
) -> CatalogueItem:
    """Add an item to the street's catalogue, or change one (its name, price, stock on hand, or
    withdraw it). `stock_was` is the stock the editor saw: if a redemption took one since, the
    change is refused rather than writing over it (the count on the shelf would be one too many)."""
    if not name.strip():
        raise InvalidInput("item_name_missing", _("Name the item."))
    if points < 1 or stock < 0:
        raise InvalidInput("item_numbers", _("An item costs at least one point and its stock is not negative."))
    values = {"name": name.strip(), "description": description.strip(), "points": points, "stock": stock}
    with transaction.atomic():
        if item is None:
            item = CatalogueItem.objects.create(street=street, active=active, **values)
        else:
            if item.street_id != street.pk:
                raise InvalidInput("item_other_street", _("This item is offered by another street."))
            rows = CatalogueItem.objects.filter(pk=item.pk)
            if stock_was is not None:
                rows = rows.filter(stock=stock_was)
            if not rows.update(active=active, **values):
                raise Conflict(
                    "stock_changed",
                    _("The stock of “%(item)s” changed while it was being edited: look at it again and save.")
                    % {"item": item.name},
                )
            item.refresh_from_db()
        audit_record(
            action="points.catalogue_save",
            actor=actor,
            obj=item,
            detail={"stock": stock, "points": points, "active": active},
        )
    return item

"""QR door codes (一户一码, 一人一码): issuing, revoking, re-issuing and printing them.

A token is core.tokens' 192 random bits. Lookups go by its SHA-256; the token is also kept
encrypted so that a lost sticker can be printed again, which makes every sheet that shows tokens
a credential: viewing one is audited. The unique constraints on DoorCode keep one live code per
household and per person even when two clicks race; a re-issue revokes with a conditional UPDATE
and creates the new code in the same transaction.

The DoorCode table stays with the household it belongs to (registry.models); the services live
here because a code is the residents' way in to the intake of demands: the QR page reads and
writes tickets (tickets.doorcodes.residents), and a domain may only build on the ones below it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.places import buildings_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.bulk import BulkInsert
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.tokens import token_hash, token_new
from qiaomen.places.addresses import room_label
from qiaomen.places.models import Building
from qiaomen.registry.models import DoorCode, Household, HouseholdStatus, Person
from qiaomen.registry.selectors import households_for_user

# --- reads -----------------------------------------------------------------------------------


def door_code_lookup(token: str) -> DoorCode | None:
    """The live code behind a token, or None (unknown, malformed or revoked: all the same)."""
    if not token or len(token) > 64:
        return None
    return (
        DoorCode.objects.select_related("household__building__grid__community__street", "person")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def door_code_live(pk: int) -> DoorCode | None:
    """The code of this id while it is live (a phone that opened it earlier names it by id)."""
    return DoorCode.objects.select_related("household").filter(pk=pk, revoked_at__isnull=True).first()


def door_codes_for_user(user: User) -> QuerySet[DoorCode]:
    if not user.can(Capability.MANAGE_DOOR_CODES):
        return DoorCode.objects.none()
    return DoorCode.objects.filter(household__in=households_for_user(user))


def door_code_for_user(user: User, pk: int) -> DoorCode:
    code = door_codes_for_user(user).select_related("household__building", "person").filter(pk=pk).first()
    if code is None:
        raise Http404
    return code


def door_codes_of_household(household: Household) -> QuerySet[DoorCode]:
    """All codes of a household, live ones first, for the staff page."""
    return (
        DoorCode.objects.filter(household=household)
        .select_related("person", "created_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def buildings_with_code_counts(user: User) -> QuerySet[Building]:
    """The user's buildings with how many households (not moved out) have a live household code."""
    if not user.can(Capability.MANAGE_DOOR_CODES):
        return Building.objects.none()
    # The codes are LEFT-joined: a household without any has NULLs there, so ask for a real row.
    live = Q(
        households__door_codes__pk__isnull=False,
        households__door_codes__revoked_at__isnull=True,
        households__door_codes__person__isnull=True,
    )
    present = ~Q(households__status=HouseholdStatus.MOVED_OUT)
    return (
        buildings_for_user(user)
        .select_related("grid")
        .annotate(
            household_count=Count("households", filter=present, distinct=True),
            coded_count=Count("households", filter=present & live, distinct=True),
        )
        .order_by("grid__code", "address_key")
    )


def _live_household_codes() -> QuerySet[DoorCode]:
    return DoorCode.objects.filter(person__isnull=True, revoked_at__isnull=True)


def require_door_code_manager(user: User) -> None:
    if not user.can(Capability.MANAGE_DOOR_CODES):
        raise Forbidden(
            "not_door_code_manager",
            _("Only community staff, grid workers or a street administrator can manage QR codes."),
        )


# --- writes ----------------------------------------------------------------------------------


def _create(
    *, household: Household, person: Person | None, user: User | None, now: dt.datetime
) -> tuple[DoorCode, str]:
    token = token_new()
    try:
        with transaction.atomic():
            code = DoorCode.objects.create(
                household=household,
                person=person,
                token_hash=token_hash(token),
                token=token,
                created_at=now,
                created_by=user,
            )
    except IntegrityError as exc:  # another click issued one a moment ago
        raise Conflict(
            "door_code_exists",
            _("This household (or person) already has a valid QR code; revoke it before making a new one."),
        ) from exc
    return code, token


def door_code_issue(
    *, household: Household, user: User, person: Person | None = None, request: HttpRequest | None = None
) -> tuple[DoorCode, str]:
    """A new code for the household (person None) or for one of its people."""
    require_door_code_manager(user)
    if person is not None and person.household_id != household.pk:
        raise InvalidInput("door_code_person", _("This person does not belong to this household."))
    # A live code already there is refused by the unique constraints (_create's Conflict).
    with transaction.atomic():
        code, token = _create(household=household, person=person, user=user, now=timezone.now())
        audit_record(
            action="door_code.issue", actor=user, request=request, obj=code, detail={"person": person is not None}
        )
    return code, token


def _revoke(code: DoorCode, user: User, now: dt.datetime) -> None:
    claimed = DoorCode.objects.filter(pk=code.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=user)
    if not claimed:
        raise Conflict("door_code_revoked", _("This QR code has already been revoked."))


def door_code_revoke(*, code: DoorCode, user: User, request: HttpRequest | None = None) -> DoorCode:
    """The token answers 404 from now on; the row stays (tickets point at it)."""
    require_door_code_manager(user)
    with transaction.atomic():
        _revoke(code, user, timezone.now())
        audit_record(action="door_code.revoke", actor=user, request=request, obj=code)
    code.refresh_from_db()
    return code


def door_code_reissue(*, code: DoorCode, user: User, request: HttpRequest | None = None) -> tuple[DoorCode, str]:
    """A lost or leaked sticker: the old code is revoked and a new one made, all or nothing. Of
    two clicks at once only one claims the old code; the other gets a 409."""
    require_door_code_manager(user)
    now = timezone.now()
    with transaction.atomic():
        _revoke(code, user, now)
        new, token = _create(household=code.household, person=code.person, user=user, now=now)
        audit_record(action="door_code.reissue", actor=user, request=request, obj=new, detail={"revoked": code.pk})
    return new, token


def door_codes_insert(*, households: list[int], user: User | None) -> int:
    """Household codes for these households in bulk (the caller has checked none has one)."""
    writer = BulkInsert(
        DoorCode,
        varying=("household_id", "token_hash", "token"),
        constants={"created_at": timezone.now(), "created_by_id": user.pk if user else None},
    )
    for household_id in households:
        token = token_new()
        writer.add({"household_id": household_id, "token_hash": token_hash(token), "token": token})
    writer.flush()
    return writer.written


def door_codes_issue_for_building(*, building: Building, user: User, request: HttpRequest | None = None) -> int:
    """A household code for every household of the building that is not moved out and has none."""
    require_door_code_manager(user)
    with transaction.atomic():
        missing = list(
            households_for_user(user)
            .filter(building=building)
            .exclude(status=HouseholdStatus.MOVED_OUT)
            .exclude(pk__in=_live_household_codes().values("household_id"))
            .values_list("pk", flat=True)
        )
        try:
            with transaction.atomic():
                issued = door_codes_insert(households=missing, user=user)
        except IntegrityError as exc:
            raise Conflict(
                "door_code_exists", _("Someone just made QR codes for this building; refresh and try again.")
            ) from exc
        audit_record(
            action="door_code.issue_building", actor=user, request=request, obj=building, detail={"count": issued}
        )
    return issued


@dataclass(frozen=True)
class Sticker:
    room: str
    for_person: bool
    token: str


def _sticker(code: DoorCode) -> Sticker:
    household = code.household
    return Sticker(
        room=room_label(household.unit, household.room), for_person=code.person_id is not None, token=code.token
    )


def door_code_sheet(*, building: Building, user: User, request: HttpRequest | None = None) -> list[Sticker]:
    """The building's live household codes, room by room, for printing. Audited: tokens are credentials."""
    require_door_code_manager(user)
    codes = list(
        door_codes_for_user(user)
        .filter(household__building=building, person__isnull=True, revoked_at__isnull=True)
        .select_related("household")
        .order_by("household__unit", "household__room")
    )
    audit_record(action="door_code.sheet_view", actor=user, request=request, obj=building, detail={"count": len(codes)})
    return [_sticker(code) for code in codes]


def door_codes_household_stickers(
    *, household: Household, user: User, request: HttpRequest | None = None
) -> list[tuple[DoorCode, Sticker]]:
    """The household's live codes with their tokens, for the household's code page. Audited."""
    require_door_code_manager(user)
    codes = list(door_codes_of_household(household).filter(revoked_at__isnull=True).select_related("household"))
    audit_record(action="door_code.view", actor=user, request=request, obj=household, detail={"count": len(codes)})
    return [(code, _sticker(code)) for code in codes]

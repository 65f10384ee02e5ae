"""QR door codes (一户一码, 一人一码): issuing, revoking, re-issuing, printing, and what the
resident page behind a code may read and write.

A token is `secrets.token_urlsafe(24)`: 192 random bits. Lookups go by its SHA-256; the token is
also kept encrypted so that a lost sticker can be printed again, which makes every sheet that
shows tokens a credential: viewing one is audited. The unique constraints on DoorCode keep one
live code per household and per person even when two clicks race; a re-issue revokes with a
conditional UPDATE and creates the new code in the same transaction.

What a code may see: a household code sees its household's demands, a person code (a lodger in a
shared flat, a relative who lives elsewhere) only that person's, so unrelated people under one
roof do not read each other's demands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_record
from qiaomen.core.bulk import BulkInsert
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qiaomen.core.photos import photos_clean
from qiaomen.places.addresses import room_label
from qiaomen.places.models import Building
from qiaomen.places.selectors import buildings_for_user
from qiaomen.registry.models import DoorCode, DoorCodeSubmission, Household, HouseholdStatus, Person
from qiaomen.registry.selectors import households_for_user
from qiaomen.tickets.classifier import Suggestion, suggest
from qiaomen.tickets.models import OPEN_STATUSES, Channel, Priority, Status, Subcategory, Ticket
from qiaomen.tickets.selectors import ticket_rated_since_resolution
from qiaomen.tickets.services import MAX_DESCRIPTION, RATING_LINK_DAYS, rating_link_issue
from qiaomen.tickets.services.intake import ticket_from_text

# How many of a code's demands the resident page lists, newest first.
RESIDENT_LIST_SIZE = 30
# A merged ticket points at the one it was merged into; chains are short, this bounds a cycle.
MAX_MERGE_HOPS = 5
# "An optional photo": one per demand from the resident page.
MAX_RESIDENT_PHOTOS = 1


def door_token_new() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


def door_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- reads -----------------------------------------------------------------------------------


def door_code_lookup(token: str) -> DoorCode | None:
    """The live code behind a token, or None (unknown, malformed or revoked: all the same)."""
    if not token or len(token) > 64:
        return None
    return (
        DoorCode.objects.select_related("household__building__grid__community__street", "person")
        .filter(token_hash=door_token_hash(token), revoked_at__isnull=True)
        .first()
    )


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
        raise Forbidden("not_door_code_manager", "只有社区工作人员、网格员或街道管理员可以管理二维码")


# --- writes ----------------------------------------------------------------------------------


def _create(
    *, household: Household, person: Person | None, user: User | None, now: dt.datetime
) -> tuple[DoorCode, str]:
    token = door_token_new()
    try:
        with transaction.atomic():
            code = DoorCode.objects.create(
                household=household,
                person=person,
                token_hash=door_token_hash(token),
                token=token,
                created_at=now,
                created_by=user,
            )
    except IntegrityError as exc:  # another click issued one a moment ago
        raise Conflict("door_code_exists", "该住户（或该人员）已有有效的二维码，请先作废再重新生成") from exc
    return code, token


def door_code_issue(
    *, household: Household, user: User, person: Person | None = None, request: HttpRequest | None = None
) -> tuple[DoorCode, str]:
    """A new code for the household (person None) or for one of its people."""
    require_door_code_manager(user)
    if person is not None and person.household_id != household.pk:
        raise InvalidInput("door_code_person", "该人员不属于这一户")
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
        raise Conflict("door_code_revoked", "该二维码已经作废")


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
        token = door_token_new()
        writer.add({"household_id": household_id, "token_hash": door_token_hash(token), "token": token})
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
            raise Conflict("door_code_exists", "有人刚刚为这栋楼生成了二维码，请刷新后再试") from exc
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


# --- the resident's side ---------------------------------------------------------------------


def door_code_tickets(code: DoorCode) -> QuerySet[Ticket]:
    """The demands a code may see: its household's, or for a person code that person's."""
    tickets = (
        Ticket.objects.filter(person=code.person_id)
        if code.person_id
        else Ticket.objects.filter(household=code.household_id)
    )
    return tickets.select_related("subcategory").order_by("-created_at", "-pk")


# The columns the resident's list reads (a ticket row is wide; the page is opened on every scan).
LISTED_FIELDS = (
    "subcategory__name",
    "status",
    "created_at",
    "resolve_by",
    "resolved_at",
    "rated_at",
    "description",
    "channel",
    # A merged demand shows the ticket it joined: read with it, not one query per merged line.
    "merged_into__subcategory__name",
    "merged_into__status",
    "merged_into__resolve_by",
    "merged_into__merged_into",
)


@dataclass(frozen=True)
class DemandRow:
    """One line of the resident's list: nothing that names or locates anyone."""

    pk: int
    subcategory: str
    status: str  # a Status value: the shown ticket's (for a merged demand, the one it joined)
    created_at: dt.datetime
    resolve_by: dt.datetime | None
    excerpt: str  # the resident's own words (QR demands only), truncated by the template
    merged: bool
    can_rate: bool


def door_code_demands(code: DoorCode, *, now: dt.datetime) -> list[DemandRow]:
    """The newest RESIDENT_LIST_SIZE demands the code may see, as the resident page lists them."""
    rows = []
    listed = door_code_tickets(code).select_related("merged_into__subcategory").only(*LISTED_FIELDS)
    for ticket in listed[:RESIDENT_LIST_SIZE]:
        shown = ticket_shown_for(ticket)
        rows.append(
            DemandRow(
                pk=ticket.pk,
                subcategory=shown.subcategory.name,
                status=shown.status,
                created_at=ticket.created_at,
                resolve_by=shown.resolve_by if shown.status in OPEN_STATUSES else None,
                # Words written by staff on a visit may hold notes about the family: only the
                # resident's own text comes back to the page.
                excerpt=ticket.description if ticket.channel == Channel.QR else "",
                merged=shown.pk != ticket.pk,
                can_rate=door_code_ticket_ratable(ticket, now=now),
            )
        )
    return rows


def ticket_shown_for(ticket: Ticket) -> Ticket:
    """What the resident sees of a merged ticket: the ticket it was merged into (followed a few hops)."""
    shown = ticket
    for _ in range(MAX_MERGE_HOPS):
        if shown.merged_into is None:
            break
        shown = shown.merged_into
    return shown


def ticket_rating_open(ticket: Ticket, *, now: dt.datetime) -> bool:
    """The resident may rate a result once per resolution, within the rating link's lifetime."""
    return (
        ticket.status in (Status.RESOLVED, Status.CLOSED)
        and ticket.resolved_at is not None
        and ticket.resolved_at >= now - dt.timedelta(days=RATING_LINK_DAYS)
        and not ticket_rated_since_resolution(ticket)
    )


def door_code_ticket_ratable(ticket: Ticket, *, now: dt.datetime) -> bool:
    """The QR page offers rating this demand: a merged one is rated through the ticket it was
    merged into, by that ticket's household."""
    return ticket.merged_into_id is None and ticket_rating_open(ticket, now=now)


def door_code_rating_link(*, code: DoorCode, ticket_pk: int, request: HttpRequest | None = None) -> str:
    """A one-time rating link for one of the code's resolved demands (the tickets issue's flow)."""
    ticket = door_code_tickets(code).filter(pk=ticket_pk).first()
    if ticket is None:
        raise NotFound("ticket_not_found", "没有找到这条诉求")
    if not door_code_ticket_ratable(ticket, now=timezone.now()):
        raise Conflict("rating_not_open", "这条诉求现在不能评价：尚未办结或已经评价过")
    with transaction.atomic():
        token = rating_link_issue(ticket=ticket)
        audit_record(
            action="ticket.rating_link",
            actor_name="resident",
            request=request,
            obj=ticket,
            detail={"door_code": code.pk},
        )
    return token


# Suggested sub-categories whose text is health information (PIPL art. 28: sensitive personal
# information, kept only with separate consent).
HEALTH_CODES = frozenset({"LIF-MED", "LIF-PSY", "EMG-HEALTH"})
# Kept instead of the resident's words when they decline: the demand still reaches a person.
HEALTH_WITHHELD = (
    "居民通过二维码反映了可能涉及健康的诉求，但未同意保存健康信息，原文和照片均未保存。请网格员电话或上门了解。"
)


@dataclass(frozen=True)
class ResidentDemand:
    text: str
    photos: list[bytes]
    # The id the page put into the form when it was loaded: one ticket per id.
    submission_id: uuid.UUID
    callback_phone: str = ""
    health_consent: bool = False
    # The page has already asked for consent once for this text: declining now is an answer.
    health_asked: bool = False


def door_code_submitted(*, code: DoorCode, submission_id: uuid.UUID) -> Ticket | None:
    """The ticket a form with this id already made through this code, if any."""
    first = DoorCodeSubmission.objects.filter(door_code=code, submission_id=submission_id).select_related("ticket")
    row = first.first()
    return row.ticket if row is not None else None


def resident_demand_submit(
    *, code: DoorCode, demand: ResidentDemand, request: HttpRequest | None = None
) -> tuple[Ticket, bool]:
    """A resident's demand through the QR page becomes a ticket of the code's household (and
    person); returns (ticket, created). The same submission id again is answered with the first
    ticket and created False: the id is claimed by a unique row in the ticket's transaction, so
    of two requests at once (two taps, two server processes) the second waits for the first and
    finds its ticket.

    Health information: when the text reads as health care, counselling or a medical emergency
    and the consent box is not ticked, the page asks once before anything is stored. If the
    resident still declines, the demand is kept without their words or photo (HEALTH_WITHHELD,
    sub-category as suggested) so that a person calls back. An emergency (a fall, someone
    unconscious …) is never held back for a tick: it is stored as written, without consent, as
    PIPL art. 13(4) allows to protect someone's life and health.
    Photos are checked (content, size) before anything is created.
    """
    text = demand.text.strip()
    if not text:
        raise InvalidInput("description_required", "请填写诉求内容")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput("description_too_long", f"诉求内容不能超过{MAX_DESCRIPTION}字")
    photos_clean(demand.photos, room=MAX_RESIDENT_PHOTOS, too_many=f"每次最多上传 {MAX_RESIDENT_PHOTOS} 张照片")
    suggestion = suggest(text)
    description, photos, subcategory = text, demand.photos, None
    known: Suggestion | None = suggestion
    health = suggestion.code in HEALTH_CODES
    if health and not demand.health_consent and not suggestion.emergency and suggestion.priority != Priority.P1:
        if not demand.health_asked:
            raise InvalidInput(
                "health_consent_needed",
                "您的诉求可能涉及健康信息。请勾选“同意保存健康信息”后再提交；"
                "如不同意，也可以直接再次提交，我们只记录诉求类别，不保存原文和照片，由网格员与您联系。",
            )
        # The suggestion's words came from the withheld text: intake classifies the note instead.
        description, photos, known = HEALTH_WITHHELD, [], None
        subcategory = Subcategory.objects.filter(code=suggestion.code, retired=False).first()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = DoorCodeSubmission.objects.create(
                    door_code=code, submission_id=demand.submission_id, created_at=timezone.now()
                )
        except IntegrityError:
            claim = None
        if claim is not None:
            ticket = ticket_from_text(
                channel=Channel.QR,
                description=description,
                household=code.household,
                person=code.person,
                door_code=code,
                callback_phone=demand.callback_phone,
                health_consent=demand.health_consent,
                subcategory=subcategory,
                photos=photos,
                suggestion=known,
                request=request,
            )
            claim.ticket = ticket
            claim.save(update_fields=["ticket"])
            return ticket, True
    first = door_code_submitted(code=code, submission_id=demand.submission_id)
    if first is None:  # the other request failed and rolled back meanwhile
        raise Conflict("submission_retry", "提交未完成，请再点一次提交")
    return first, False

"""Ticket writes: creation with routing, every transition, confirmations and ratings.

Every transition runs in one transaction, claims the row with a conditional UPDATE on its
status and version (so of several people acting at once exactly one wins and the others get a
409), and writes a TicketEvent. Nothing here relies on select_for_update, which SQLite ignores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from qiaomen.accounts.models import Department, PlaceAssignment, User
from qiaomen.accounts.roles import Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from qiaomen.core.photos import photo_folder, photo_store, photos_clean
from qiaomen.places.models import Grid
from qiaomen.registry.models import Household, Person
from qiaomen.tickets.deadlines import ACCEPT_WITHIN, next_check
from qiaomen.tickets.models import (
    Channel,
    Notification,
    PhotoKind,
    Priority,
    RatingLink,
    SpotCheck,
    SpotCheckResult,
    Status,
    Subcategory,
    Ticket,
    TicketEvent,
    TicketPhoto,
    WorkdayOverride,
)
from qiaomen.tickets.selectors import deadlines_for, ticket_rated_since_resolution
from qiaomen.tickets.states import target_of

REPEAT_WINDOW = dt.timedelta(days=90)
RATING_LINK_DAYS = 14
# After this long without a rating, a confirmed ticket closes as "not rated".
RATING_WAIT = dt.timedelta(days=7)
# GeoReport v2 lets a client send 4,000 characters; every channel takes the same length.
MAX_DESCRIPTION = 4000
MAX_PHOTOS_PER_TICKET = 6
PHOTO_FOLDER = "ticket-photos"


def ticket_event_add(
    ticket: Ticket,
    action: str,
    old: str,
    new: str,
    actor: User | None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        old_status=old,
        new_status=new,
        actor=actor,
        reason=reason,
        detail=detail or {},
        at=at or timezone.now(),
    )


def notify(users: Any, *, ticket: Ticket | None, text: str) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user=user, ticket=ticket, text=text[:200], created_at=now) for user in users
    )


def department_handlers(department: Department) -> Any:
    return User.objects.filter(role=Role.DEPARTMENT_HANDLER, department=department, is_active=True)


def grid_workers(grid_id: int | None) -> Any:
    if grid_id is None:
        return User.objects.none()
    return User.objects.filter(role=Role.GRID_WORKER, is_active=True, places__grid_id=grid_id)


def community_staff(community_ids: set[int]) -> dict[int, list[User]]:
    """Active community staff by community, each once, in one query over their place assignments."""
    staff: dict[int, list[User]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    assignments = PlaceAssignment.objects.filter(
        community_id__in=community_ids, user__role=Role.COMMUNITY_STAFF, user__is_active=True
    ).select_related("user")
    for assignment in assignments:
        community_id = assignment.community_id  # set on every row, by the filter
        if community_id is None or (community_id, assignment.user_id) in seen:
            continue
        seen.add((community_id, assignment.user_id))
        staff[community_id].append(assignment.user)
    return staff


def _repeat_of(household: Household | None, subcategory: Subcategory, now: dt.datetime) -> Ticket | None:
    """The household's latest ticket of the sub-category within REPEAT_WINDOW; a merged one is
    the same demand as the ticket it went into, so that one is linked instead (tickets.merge)."""
    if household is None:
        return None
    return (
        Ticket.objects.filter(household=household, subcategory=subcategory, created_at__gte=now - REPEAT_WINDOW)
        .exclude(status=Status.MERGED)
        .order_by("-created_at")
        .first()
    )


def ticket_create(
    *,
    channel: str,
    description: str,
    subcategory: Subcategory,
    priority: str | None = None,
    household: Household | None = None,
    person: Person | None = None,
    grid: Grid | None = None,
    created_by: User | None = None,
    demand: Any = None,
    resolved_on_spot: bool = False,
    route: bool = True,
    request: HttpRequest | None = None,
) -> Ticket:
    """Create a ticket and route it to the sub-category's department at once, or, with
    route=False, leave it NEW (no deadlines, nobody told) for a person to classify first
    (qiaomen.tickets.intake: a resident's text the classifier is unsure of).

    A demand resolved on the spot becomes a ticket closed at creation with the worker's
    confirmation. A ticket from a household that raised the same sub-category within 90 days
    is linked to the earlier one (a repeat, R-TIC-7).
    """
    description = description.strip()
    if not description:
        raise InvalidInput("description_required", "请填写诉求内容")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput("description_too_long", f"诉求内容不能超过{MAX_DESCRIPTION}字")
    if channel not in Channel.values:
        raise InvalidInput("channel_invalid", "来源渠道无效")
    if subcategory.retired:
        raise InvalidInput("subcategory_retired", "该诉求分类已停用，请选择其他分类")
    priority = priority or subcategory.default_priority
    if priority not in Priority.values:
        raise InvalidInput("priority_invalid", "优先级无效")
    if person is not None and household is None:
        household = person.household
    if grid is None and household is not None:
        grid = household.building.grid
    now = timezone.now()
    closed = resolved_on_spot
    routed = route and not closed
    status = Status.CLOSED if closed else Status.ROUTED if routed else Status.NEW
    # A NEW ticket has no deadlines yet: they run from its routing (intake.ticket_classify).
    timing = (
        deadlines_for(routed_at=now, priority=priority).columns(status=status)
        if routed or closed
        else dict.fromkeys(("accept_by", "start_by", "resolve_by", "escalate_after"))
    )
    with transaction.atomic():
        ticket = Ticket.objects.create(
            channel=channel,
            household=household,
            person=person,
            grid=grid,
            description=description,
            subcategory=subcategory,
            priority=priority,
            department=subcategory.department,
            status=status,
            created_by=created_by,
            created_at=now,
            routed_at=now if routed or closed else None,
            **timing,
            repeat_of=_repeat_of(household, subcategory, now),
            resolved_on_spot=closed,
            resolved_at=now if closed else None,
            closed_at=now if closed else None,
            worker_confirmed_by=created_by if closed else None,
            worker_confirmed_at=now if closed else None,
            demand=demand,
        )
        ticket_event_add(
            ticket,
            "create",
            Status.NEW,
            ticket.status,
            created_by,
            detail={
                "channel": channel,
                "priority": priority,
                "department": subcategory.department.code,
                "repeat_of": ticket.repeat_of_id,
            },
            at=now,
        )
        if routed:
            ticket_routed_notify(ticket, subcategory)
        audit_record(
            action="ticket.create",
            actor=created_by,
            request=request,
            obj=ticket,
            detail={"channel": channel, "subcategory": subcategory.code},
        )
    return ticket


def ticket_routed_notify(ticket: Ticket, subcategory: Subcategory) -> None:
    """A ticket has reached its department (at creation, or when a person routes or re-routes a
    held one): its handlers are told, and for a P1 the grid's workers too."""
    notify(
        department_handlers(ticket.department),
        ticket=ticket,
        text=f"新工单 #{ticket.pk}（{subcategory.name}，{ticket.get_priority_display()}）",
    )
    if ticket.priority == Priority.P1:
        notify(grid_workers(ticket.grid_id), ticket=ticket, text=f"紧急工单 #{ticket.pk}：{subcategory.name}")


def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    actor: User | None,
    reason: str = "",
    updates: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Ticket:
    """The one mechanism of every ticket state change (also used by tickets.intake and
    tickets.merge): the transition table allows it, the row is claimed with a conditional update,
    and an event and an audit row are written."""
    target = target_of(action, ticket.status)
    if target is None:
        raise Conflict(
            "transition_not_allowed",
            f"工单当前状态为“{ticket.get_status_display()}”，不能执行该操作",
            status=ticket.status,
            action=action,
        )
    values: dict[str, Any] = {"status": target, **(updates or {})}
    values["escalate_after"] = next_check(
        status=target,
        accept_by=values.get("accept_by", ticket.accept_by),
        start_by=values.get("start_by", ticket.start_by),
        resolve_by=values.get("resolve_by", ticket.resolve_by),
    )
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=ticket.pk, status=ticket.status, version=ticket.version).update(
            version=F("version") + 1, **values
        )
        if not claimed:
            raise Conflict("ticket_changed", "工单已被他人处理，请刷新后再试")
        ticket_event_add(ticket, action, ticket.status, target, actor, reason, detail)
        audit_record(action=f"ticket.{action}", actor=actor, request=request, obj=ticket, detail={"to": target})
    ticket.refresh_from_db()
    return ticket


def _require_handler(ticket: Ticket, user: User) -> None:
    if user.role == Role.STREET_ADMIN:
        return
    if user.role != Role.DEPARTMENT_HANDLER or user.department_id != ticket.department_id:
        raise Forbidden("not_ticket_handler", "只有责任部门的工作人员可以处理该工单")


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise InvalidInput("reason_required", "请填写原因")
    return reason[:500]


def ticket_accept(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> Ticket:
    _require_handler(ticket, user)
    now = timezone.now()
    return ticket_transition(
        ticket=ticket,
        action="accept",
        actor=user,
        request=request,
        updates={"handler": user, "accepted_at": now, "first_accepted_at": ticket.first_accepted_at or now},
    )


def ticket_start(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> Ticket:
    _require_handler(ticket, user)
    return ticket_transition(
        ticket=ticket, action="start", actor=user, request=request, updates={"started_at": timezone.now()}
    )


def ticket_transfer(
    *, ticket: Ticket, user: User, department: Department, reason: str, request: HttpRequest | None = None
) -> Ticket:
    """Hand the ticket to the right department (a wrong routing). The new department gets its
    own two hours to accept; the resident's resolution deadline does not restart."""
    _require_handler(ticket, user)
    reason = _require_reason(reason)
    if department.pk == ticket.department_id:
        raise InvalidInput("transfer_same_department", "不能转给本部门")
    now = timezone.now()
    accept_by = deadlines_for(routed_at=now, priority=ticket.priority).accept_by
    ticket = ticket_transition(
        ticket=ticket,
        action="transfer",
        actor=user,
        reason=reason,
        request=request,
        updates={
            "department": department,
            "handler": None,
            "transfer_count": F("transfer_count") + 1,
            "routed_at": now,
            "accept_by": accept_by,
        },
        detail={"from": ticket.department.code, "to": department.code},
    )
    notify(department_handlers(department), ticket=ticket, text=f"转来工单 #{ticket.pk}：{reason[:80]}")
    return ticket


def ticket_return(*, ticket: Ticket, user: User, reason: str, request: HttpRequest | None = None) -> Ticket:
    """Back to whoever raised it, for more information."""
    _require_handler(ticket, user)
    ticket = ticket_transition(
        ticket=ticket,
        action="return",
        actor=user,
        reason=_require_reason(reason),
        request=request,
        updates={"handler": None},
    )
    notify(grid_workers(ticket.grid_id), ticket=ticket, text=f"工单 #{ticket.pk} 被退回补充信息：{reason[:80]}")
    return ticket


def ticket_resubmit(*, ticket: Ticket, user: User, addition: str, request: HttpRequest | None = None) -> Ticket:
    addition = _require_reason(addition)
    ticket = ticket_transition(
        ticket=ticket,
        action="route",
        actor=user,
        reason=addition,
        request=request,
        updates={"description": f"{ticket.description}\n【补充】{addition}", "routed_at": timezone.now()},
    )
    notify(department_handlers(ticket.department), ticket=ticket, text=f"工单 #{ticket.pk} 已补充信息")
    return ticket


def ticket_resolve(*, ticket: Ticket, user: User, note: str, request: HttpRequest | None = None) -> tuple[Ticket, str]:
    """Resolve with a note; returns the ticket and the resident's one-time rating token."""
    _require_handler(ticket, user)
    note = note.strip()
    if not note:
        raise InvalidInput("resolution_note_required", "请填写办理结果")
    ticket = ticket_transition(
        ticket=ticket,
        action="resolve",
        actor=user,
        request=request,
        updates={"resolved_at": timezone.now(), "resolution_note": note[:2000]},
    )
    token = rating_link_issue(ticket=ticket)
    notify(grid_workers(ticket.grid_id), ticket=ticket, text=f"工单 #{ticket.pk} 已办结，请上门确认结果")
    return ticket, token


def ticket_change_priority(
    *, ticket: Ticket, user: User, priority: str, reason: str, request: HttpRequest | None = None
) -> Ticket:
    """The only moment deadlines are recomputed: from the routing time, for the new priority."""
    if priority not in Priority.values:
        raise InvalidInput("priority_invalid", "优先级无效")
    if user.role not in (Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.DEPARTMENT_HANDLER):
        raise Forbidden("priority_not_allowed", "您不能修改优先级")
    reason = _require_reason(reason)
    deadlines = deadlines_for(routed_at=ticket.routed_at or ticket.created_at, priority=priority)
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=ticket.pk, version=ticket.version).update(
            priority=priority, **deadlines.columns(status=ticket.status), version=F("version") + 1
        )
        if not claimed:
            raise Conflict("ticket_changed", "工单已被他人处理，请刷新后再试")
        ticket_event_add(
            ticket, "priority", ticket.status, ticket.status, user, reason, {"from": ticket.priority, "to": priority}
        )
    ticket.refresh_from_db()
    return ticket


# --- triple confirmation (R-TIC-6) -----------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rating_link_issue(*, ticket: Ticket) -> str:
    token = secrets.token_urlsafe(24)  # 192 random bits
    now = timezone.now()
    RatingLink.objects.create(
        ticket=ticket,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=RATING_LINK_DAYS),
    )
    return token


def _require_confirmer(ticket: Ticket, user: User) -> None:
    """The grid worker (or community staff) of the ticket's place: the people at the door."""
    in_place = ticket.grid_id is not None and ticket.grid_id in place_scope(user).all_grid_ids
    if user.role not in (Role.GRID_WORKER, Role.COMMUNITY_STAFF) or not in_place:
        raise Forbidden("not_ticket_confirmer", "只有所属网格员或社区工作人员可以确认办理结果")


def ticket_confirm(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> Ticket:
    """The grid worker (or community staff) of the ticket's place confirms the result."""
    _require_confirmer(ticket, user)
    if ticket.status != Status.RESOLVED:
        raise Conflict("transition_not_allowed", "只有已办结的工单可以确认")
    now = timezone.now()
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=ticket.pk, status=Status.RESOLVED, worker_confirmed_at__isnull=True).update(
            worker_confirmed_by=user, worker_confirmed_at=now, version=F("version") + 1
        )
        if not claimed:
            raise Conflict("already_confirmed", "该工单已经确认过")
        ticket_event_add(ticket, "confirm", ticket.status, ticket.status, user)
        audit_record(action="ticket.confirm", actor=user, request=request, obj=ticket)
    ticket.refresh_from_db()
    return ticket_close_if_complete(ticket=ticket)


def rating_link_for_resident(*, ticket: Ticket, user: User, request: HttpRequest | None = None) -> str:
    """A fresh one-time rating link for the worker to hand over at the door (as a QR code on the
    phone): the link issued at resolution is only ever shown once, to whoever resolved it."""
    _require_confirmer(ticket, user)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED) or ticket_rated_since_resolution(ticket):
        raise Conflict("rating_not_open", "该工单现在不能评价：尚未办结或居民已评价")
    with transaction.atomic():
        token = rating_link_issue(ticket=ticket)
        audit_record(action="ticket.rating_link", actor=user, request=request, obj=ticket)
    return token


def ticket_rate(*, token: str, score: int, comment: str = "", request: HttpRequest | None = None) -> Ticket:
    """The resident's rating through the one-time link. 2 or lower reopens the ticket (a second
    complaint) and always sends it to a supervisor's spot check."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score_invalid", "请选择1到5分")
    now = timezone.now()
    link = RatingLink.objects.select_related("ticket").filter(token_hash=_token_hash(token)).first()
    if link is None or link.expires_at < now:
        raise NotFound("rating_link_invalid", "评价链接无效或已过期")
    with transaction.atomic():
        if not RatingLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
            raise Conflict("rating_link_used", "该评价链接已使用")
        ticket = link.ticket
        if ticket_rated_since_resolution(ticket):
            # Another link of the same result was used first: one rating per resolution.
            raise Conflict("rating_link_used", "该工单已经评价过了")
        Ticket.objects.filter(pk=ticket.pk).update(rating=score, rated_at=now)
        ticket_event_add(ticket, "rate", ticket.status, ticket.status, None, comment.strip()[:500], {"score": score})
        ticket.refresh_from_db()
        if score <= 2:
            ticket = ticket_transition(
                ticket=ticket,
                action="reopen",
                actor=None,
                reason=comment.strip()[:500] or "居民不满意",
                request=request,
                updates={
                    "reopen_count": F("reopen_count") + 1,
                    "handler": None,
                    "worker_confirmed_by": None,
                    "worker_confirmed_at": None,
                    "resolved_at": None,
                    "closed_at": None,
                    "routed_at": now,
                    "accept_by": now + ACCEPT_WITHIN,
                },
            )
            SpotCheck.objects.get_or_create(ticket=ticket, defaults={"reason": "low_rating", "created_at": now})
            notify(
                department_handlers(ticket.department), ticket=ticket, text=f"工单 #{ticket.pk} 居民不满意，已重新打开"
            )
            return ticket
    return ticket_close_if_complete(ticket=ticket)


def ticket_close_if_complete(*, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """Close once the worker has confirmed and the resident has rated (or had a week to)."""
    now = now or timezone.now()
    if ticket.status != Status.RESOLVED or ticket.worker_confirmed_at is None:
        return ticket
    rated = (
        ticket.rating is not None
        and ticket.rated_at is not None
        and ticket.rated_at >= (ticket.resolved_at or ticket.rated_at)
    )
    waited = ticket.resolved_at is not None and now - ticket.resolved_at >= RATING_WAIT
    if not (rated or waited):
        return ticket
    ticket = ticket_transition(
        ticket=ticket, action="close", actor=None, updates={"closed_at": now}, detail={"rated": rated}
    )
    _sample_for_spot_check(ticket, now)
    return ticket


def _sample_for_spot_check(ticket: Ticket, now: dt.datetime) -> None:
    share = getattr(settings, "SPOT_CHECK_SHARE", 0.10)
    # secrets, not random: which tickets get checked must not be predictable by handlers.
    if secrets.randbelow(10_000) < share * 10_000:
        SpotCheck.objects.get_or_create(ticket=ticket, defaults={"reason": "sample", "created_at": now})


def spot_check_record(*, check: SpotCheck, user: User, result: str, note: str = "") -> SpotCheck:
    """The supervisor's verdict on a sampled ticket. Claimed while still pending, so two
    supervisors checking the same ticket at once record one verdict and the other gets a 409."""
    if user.role != Role.SUPERVISOR:
        raise Forbidden("not_supervisor", "只有督查人员可以抽查工单")
    if result not in (SpotCheckResult.CONFIRMED, SpotCheckResult.FAILED):
        raise InvalidInput("spot_check_result_invalid", "请选择抽查结果")
    note = note.strip()[:1000]
    if result == SpotCheckResult.FAILED and not note:
        raise InvalidInput("spot_check_note_required", "抽查不合格时请说明原因")
    now = timezone.now()
    with transaction.atomic():
        claimed = SpotCheck.objects.filter(pk=check.pk, result=SpotCheckResult.PENDING).update(
            result=result, note=note, checked_by=user, checked_at=now
        )
        if not claimed:
            raise Conflict("spot_check_done", "该工单已被抽查过")
        ticket = check.ticket
        ticket_event_add(ticket, "spot_check", ticket.status, ticket.status, user, note, {"result": result}, at=now)
        audit_record(action="ticket.spot_check", actor=user, obj=ticket, detail={"result": result})
    check.refresh_from_db()
    return check


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def subcategory_update(*, subcategory: Subcategory, user: User, changes: dict[str, Any]) -> Subcategory:
    """The street admin's edit of a sub-category. The code never changes: tickets, figures and
    the API refer to it (taxonomy.md). Retiring keeps old tickets readable."""
    if user.role != Role.STREET_ADMIN:
        raise Forbidden("taxonomy_not_allowed", "只有街道管理员可以修改诉求分类")
    allowed = {"name", "department", "default_priority", "keywords", "retired"}
    with transaction.atomic():
        for name, value in changes.items():
            if name in allowed:
                setattr(subcategory, name, value)
        subcategory.save(update_fields=sorted(allowed & changes.keys()))
        audit_record(
            action="taxonomy.update",
            actor=user,
            obj=subcategory,
            detail={"code": subcategory.code, "fields": sorted(changes)},
        )
    return subcategory


def workday_override_set(*, user: User, date: dt.date, is_working_day: bool, note: str = "") -> WorkdayOverride:
    if user.role != Role.STREET_ADMIN:
        raise Forbidden("workdays_not_allowed", "只有街道管理员可以调整工作日")
    override, _created = WorkdayOverride.objects.update_or_create(
        date=date, defaults={"is_working_day": is_working_day, "note": note.strip()[:100]}
    )
    audit_record(action="workday.override", actor=user, obj=override, detail={"working": is_working_day})
    return override


def ticket_photo_path(photo: TicketPhoto) -> Path:
    return photo_folder(PHOTO_FOLDER) / photo.stored_name


def ticket_photos_add(*, ticket: Ticket, user: User | None, raws: list[bytes], kind: str) -> list[TicketPhoto]:
    """Store photos of a ticket (of the demand or of the result), all or none: every photo is
    checked before the first file is written, so a bad one leaves no orphan file on disk when
    the caller's transaction rolls the ticket or its resolution back. Each file is written
    before its row, so a row never points at nothing."""
    if kind not in PhotoKind.values:
        raise InvalidInput("photo_kind_invalid", "照片类别无效")
    if not raws:
        return []
    with transaction.atomic():
        # The ticket row is locked (on PostgreSQL) so two uploads at once cannot pass the limit together.
        Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
        cleaned = photos_clean(
            raws,
            room=MAX_PHOTOS_PER_TICKET - ticket.photos.count(),
            too_many=f"每张工单最多上传 {MAX_PHOTOS_PER_TICKET} 张照片",
        )
        folder = photo_folder(PHOTO_FOLDER)
        photos = [
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
        audit_record(action="ticket.photos_add", actor=user, obj=ticket, detail={"kind": kind, "count": len(photos)})
    return photos

"""Activities: creating one, signing a household up, and its attendance.

Sign-up closes when the activity starts and never passes its capacity: the seat is claimed with a
conditional UPDATE (signed_up < capacity) and the sign-up row is written in the same transaction,
so the last seat has one winner on SQLite and PostgreSQL alike; a household signs up once (unique
constraint). Attendance is one row per household and activity, however often it scans: the
second scan is answered with the first row. A scan counts only while the activity runs; staff
may record attendance from the paper list after it ended, never before it started. A cancelled
activity takes neither (changes.py edits and cancels, and takes a sign-up back).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.core.tokens import token_hash, token_new
from qiaomen.participation.activities.places import organiser_check, place_check
from qiaomen.participation.models.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceVia,
    ResidentGroup,
    SignUp,
    SignUpChannel,
)
from qiaomen.places.models import Building, Community
from qiaomen.registry.models import Household, HouseholdStatus

MAX_CAPACITY = 5000
MAX_DURATION = dt.timedelta(days=3)
MAX_TITLE = 120  # the title's and the place's columns


def activity_fields_check(
    *,
    user: User,
    community: Community,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    building: Building | None,
    group: ResidentGroup | None,
    location: str,
) -> tuple[str, str]:
    """The rules an activity's fields obey when it is created and at every edit; the title and
    the place as stored (stripped)."""
    place_check(user=user, community=community, building=building)
    title, location = title.strip(), location.strip()
    if not title:
        raise InvalidInput("title_required", _("Give the activity a title."))
    if len(title) > MAX_TITLE or len(location) > MAX_TITLE:
        raise InvalidInput("text_too_long", _("The title and the place take 120 characters at most."))
    if kind not in ActivityKind.values:
        raise InvalidInput("kind_invalid", _("Choose the kind of activity."))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise InvalidInput("time_no_offset", _("Give the times with their time zone."))
    if ends_at <= starts_at:
        raise InvalidInput("ends_before_start", _("The activity must end after it starts."))
    if ends_at - starts_at > MAX_DURATION:
        raise InvalidInput("too_long", _("An activity lasts three days at most."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput("capacity_invalid", _("The capacity must be between 1 and 5000 households."))
    if group is not None and group.community_id != community.pk:
        raise InvalidInput("group_not_in_community", _("The group belongs to another community."))
    return title, location


def activity_create(
    *,
    user: User,
    community: Community,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    building: Building | None = None,
    group: ResidentGroup | None = None,
    location: str = "",
    request: HttpRequest | None = None,
) -> Activity:
    title, location = activity_fields_check(
        user=user,
        community=community,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        building=building,
        group=group,
        location=location,
    )
    token = token_new()
    with transaction.atomic():
        activity = Activity.objects.create(
            community=community,
            building=building,
            group=group,
            title=title,
            kind=kind,
            location=location,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            checkin_hash=token_hash(token),
            checkin_token=token,
            created_by=user,
        )
        audit_record(action="activity.create", actor=user, request=request, obj=activity)
    return activity


def activity_by_checkin_token(token: str) -> Activity | None:
    """The activity behind the code at its door, or None (unknown or malformed: all the same)."""
    if not token or len(token) > 64:
        return None
    return Activity.objects.select_related("community").filter(checkin_hash=token_hash(token)).first()


def activity_cancelled_check(activity: Activity) -> None:
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict("activity_cancelled", _("This activity has been cancelled."))


def _signup_open_check(activity: Activity, now: dt.datetime) -> None:
    activity_cancelled_check(activity)
    if now >= activity.starts_at:
        raise InvalidInput("signup_closed", _("Sign-up has closed: the activity has already started."))


def activity_signup(
    *,
    activity: Activity,
    household: Household,
    channel: str,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> SignUp:
    """Sign a household up (the caller has checked it may act for that household)."""
    if channel == SignUpChannel.STAFF:
        assert user is not None
        organiser_check(user)
    now = timezone.now()
    _signup_open_check(activity, now)
    if household.status == HouseholdStatus.MOVED_OUT:
        raise InvalidInput("household_moved_out", _("This household has moved out."))
    duplicate = Conflict("signup_duplicate", _("This household has already signed up for this activity."))
    try:
        with transaction.atomic():
            if SignUp.objects.filter(activity=activity, household=household).exists():
                raise duplicate
            # The seat, only while the activity is still on and not started: an edit or a
            # cancellation that committed since the activity was read is seen here.
            claimed = Activity.objects.filter(
                pk=activity.pk, status=ActivityStatus.SCHEDULED, starts_at__gt=now, signed_up__lt=F("capacity")
            ).update(signed_up=F("signed_up") + 1)
            if not claimed:
                current = Activity.objects.get(pk=activity.pk)
                _signup_open_check(current, now)
                raise Conflict(
                    "activity_full", _("The activity is full: all %(n)s places are taken.") % {"n": current.capacity}
                )
            signup = SignUp.objects.create(
                activity=activity, household=household, channel=channel, created_at=now, created_by=user
            )
            audit_record(
                action="activity.signup",
                actor=user,
                actor_name="" if user else "resident (QR)",
                request=request,
                obj=signup,
                detail={"activity": activity.pk, "household": household.pk, "channel": channel},
            )
    except IntegrityError:
        raise duplicate from None
    activity.signed_up += 1
    return signup


def activity_checkin(
    *,
    activity: Activity,
    household: Household,
    via: str,
    user: User | None = None,
    request: HttpRequest | None = None,
) -> tuple[Attendance, bool]:
    """Record that a household came; (row, created). The same household again: its first row."""
    if via == AttendanceVia.STAFF:
        assert user is not None
        organiser_check(user)
    activity_cancelled_check(activity)
    now = timezone.now()
    if now < activity.starts_at:
        raise InvalidInput("checkin_not_started", _("The activity has not started yet: check in when it begins."))
    if via == AttendanceVia.SCAN and now >= activity.ends_at:
        raise InvalidInput("checkin_ended", _("The activity has ended: this code no longer checks in."))
    existing = Attendance.objects.filter(activity=activity, household=household).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                activity=activity, household=household, via=via, at=now, recorded_by=user
            )
            audit_record(
                action="activity.checkin",
                actor=user,
                actor_name="" if user else "resident (QR)",
                request=request,
                obj=attendance,
                detail={"activity": activity.pk, "household": household.pk, "via": via},
            )
    except IntegrityError:
        # Two scans at once: the other one wrote the row; answer with it.
        return Attendance.objects.get(activity=activity, household=household), False
    return attendance, True

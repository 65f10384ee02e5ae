"""An activity after its creation: edited or cancelled by its organisers, and a sign-up taken back
by its household. All of it only before the activity starts.

- An edit changes what `activity_create` takes but the community (a community's activity stays
  its community's: moving it would hand it to other staff) under the same rules, keeps the start
  in the future, and never puts the capacity below the households already signed up. It goes
  through claim_transition with the status kept, so two organisers editing at once cannot both
  win and each edit leaves a history row.
- Cancelling (scheduled → cancelled, with a reason) is final. The sign-ups stay, so each household
  sees its sign-up as cancelled on its QR page; no sign-up or check-in is taken afterwards.
- A household withdraws its own sign-up (the caller found the sign-up among that household's):
  the row goes and its place is free again, so the household may sign up again later.
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
from qiaomen.core.transitions import claim_transition
from qiaomen.participation.activities.activities import activity_cancelled_check, activity_fields_check
from qiaomen.participation.activities.places import place_check
from qiaomen.participation.models.activities import Activity, ActivityStatus, ResidentGroup, SignUp
from qiaomen.places.models import Building

MAX_REASON = 200


def activity_changeable(activity: Activity, *, now: dt.datetime) -> bool:
    """Whether an organiser may still edit or cancel the activity (what the pages offer)."""
    return activity.status == ActivityStatus.SCHEDULED and now < activity.starts_at


def _not_started_check(activity: Activity, now: dt.datetime) -> None:
    activity_cancelled_check(activity)
    if now >= activity.starts_at:
        raise InvalidInput("activity_started", _("The activity has started: it can no longer be changed."))


def _capacity_refusal(signed_up: int) -> InvalidInput:
    return InvalidInput(
        "capacity_below_signups",
        _("%(n)s households have signed up: the capacity cannot be less.") % {"n": signed_up},
    )


def activity_edit(
    *,
    activity: Activity,
    user: User,
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
    """The activity as given, if it has not started; unchanged fields are not written."""
    place_check(user=user, community=activity.community, building=activity.building)
    now = timezone.now()
    _not_started_check(activity, now)
    title, location = activity_fields_check(
        user=user,
        community=activity.community,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        building=building,
        group=group,
        location=location,
    )
    if starts_at <= now:
        raise InvalidInput("starts_in_past", _("Move the activity to a time still to come."))
    if capacity < activity.signed_up:
        raise _capacity_refusal(activity.signed_up)
    wanted = {
        "title": title,
        "kind": kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": capacity,
        "building": building,
        "group": group,
        "location": location,
    }
    changes = {name: value for name, value in wanted.items() if getattr(activity, name) != value}
    if not changes:
        return activity
    try:
        claim_transition(
            row=activity,
            to_state=None,
            action="edit",
            actor=user,
            changes=changes,
            from_states=[ActivityStatus.SCHEDULED],
            detail={"fields": sorted(changes)},
            audit_detail={"fields": sorted(changes)},
            request=request,
            at=now,
        )
    except IntegrityError:
        # A household signed up between the check above and the claim: the database's own
        # constraint (signed_up <= capacity) refused the smaller capacity.
        raise _capacity_refusal(Activity.objects.get(pk=activity.pk).signed_up) from None
    return activity


def activity_cancel(*, activity: Activity, user: User, reason: str, request: HttpRequest | None = None) -> Activity:
    """Cancel a scheduled activity that has not started, saying why; its sign-ups stay."""
    place_check(user=user, community=activity.community, building=activity.building)
    now = timezone.now()
    _not_started_check(activity, now)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason_required", _("Say why the activity is cancelled."))
    if len(reason) > MAX_REASON:
        raise InvalidInput("reason_too_long", _("The reason takes 200 characters at most."))
    return claim_transition(
        row=activity,
        to_state=ActivityStatus.CANCELLED,
        action="cancel",
        actor=user,
        reason=reason,
        changes={"cancel_reason": reason},
        from_states=[ActivityStatus.SCHEDULED],
        audit_detail={"signups": activity.signed_up},
        request=request,
        at=now,
    )


def signup_withdraw(*, signup: SignUp, request: HttpRequest | None = None) -> None:
    """The household takes its sign-up back before the activity starts (from its QR page: the
    caller looked the sign-up up among the household's own); its place is free again."""
    activity = signup.activity
    now = timezone.now()
    activity_cancelled_check(activity)
    if now >= activity.starts_at:
        raise InvalidInput("withdraw_closed", _("The activity has started: the sign-up can no longer be withdrawn."))
    with transaction.atomic():
        deleted, _rows = SignUp.objects.filter(pk=signup.pk).delete()
        if not deleted:
            raise Conflict("signup_withdrawn", _("This sign-up has already been withdrawn."))
        # The place, only while the activity is still on and not started (an edit or a
        # cancellation may have committed since it was read); otherwise the row comes back.
        freed = Activity.objects.filter(
            pk=activity.pk, status=ActivityStatus.SCHEDULED, starts_at__gt=now, signed_up__gt=0
        ).update(signed_up=F("signed_up") - 1)
        if not freed:
            raise Conflict("activity_changed", _("The activity changed just now: open the page again."))
        audit_record(
            action="activity.withdraw",
            actor=None,
            actor_name="resident (QR)",
            request=request,
            obj=signup,
            detail={"activity": activity.pk, "household": signup.household_id, "channel": signup.channel},
        )
    activity.signed_up -= 1

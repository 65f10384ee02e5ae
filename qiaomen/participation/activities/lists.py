"""The households and people behind a meeting, an activity or a group, as the user may see them:
always through the registry's own scope, so a community's record shows a grid worker only their
grid's households."""

from __future__ import annotations

from django.db.models import QuerySet

from qiaomen.accounts.models import User
from qiaomen.participation.models.activities import (
    Activity,
    Attendance,
    GroupMember,
    Meeting,
    MeetingAttendee,
    ResidentGroup,
    SignUp,
)
from qiaomen.registry.selectors import households_for_user, persons_for_user


def activity_signups(user: User, activity: Activity) -> QuerySet[SignUp]:
    return (
        SignUp.objects.filter(activity=activity, household__in=households_for_user(user))
        .select_related("household__building")
        .order_by("created_at", "pk")
    )


def activity_attendances(user: User, activity: Activity) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(activity=activity, household__in=households_for_user(user))
        .select_related("household__building")
        .order_by("at", "pk")
    )


def meeting_attendees(user: User, meeting: Meeting) -> QuerySet[MeetingAttendee]:
    return (
        MeetingAttendee.objects.filter(meeting=meeting, household__in=households_for_user(user))
        .select_related("household__building", "person")
        .order_by("pk")
    )


def group_members(user: User, group: ResidentGroup) -> QuerySet[GroupMember]:
    return (
        GroupMember.objects.filter(group=group, person__in=persons_for_user(user))
        .select_related("person__household__building")
        .order_by("-is_leader", "joined_at", "pk")
    )

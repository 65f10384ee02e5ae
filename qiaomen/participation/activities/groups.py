"""Self-governing groups (自治组织): founding one in a community and its members (registry people,
linked, never copied)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, InvalidInput
from qiaomen.participation.activities.places import organiser_check, place_check
from qiaomen.participation.models.activities import GroupKind, GroupMember, ResidentGroup
from qiaomen.places.models import Community
from qiaomen.registry.models import Person, PersonStatus


def group_create(
    *, user: User, community: Community, name: str, kind: str, request: HttpRequest | None = None
) -> ResidentGroup:
    place_check(user=user, community=community)
    name = name.strip()
    if not name:
        raise InvalidInput("name_required", _("Give the group a name."))
    if kind not in GroupKind.values:
        raise InvalidInput("kind_invalid", _("Choose the kind of group."))
    taken = Conflict("group_name_taken", _("This community already has a group of that name."))
    try:
        with transaction.atomic():
            if ResidentGroup.objects.filter(community=community, name=name).exists():
                raise taken
            group = ResidentGroup.objects.create(community=community, name=name, kind=kind, created_by=user)
            audit_record(action="group.create", actor=user, request=request, obj=group)
    except IntegrityError:
        raise taken from None
    return group


def group_member_add(
    *,
    group: ResidentGroup,
    person: Person,
    user: User,
    is_leader: bool = False,
    request: HttpRequest | None = None,
) -> GroupMember:
    """A person of the user's places (the caller looked them up through the registry's scope)."""
    organiser_check(user)
    if person.status != PersonStatus.ACTIVE:
        raise InvalidInput("person_inactive", _("This person is no longer on the registry."))
    # A community's own self-governing group: its members live in that community.
    household = person.household
    if household is None or household.building.grid.community_id != group.community_id:
        raise InvalidInput("member_other_community", _("A group's members live in the group's community."))
    duplicate = Conflict("member_duplicate", _("This person is already a member."))
    try:
        with transaction.atomic():
            if GroupMember.objects.filter(group=group, person=person).exists():
                raise duplicate
            member = GroupMember.objects.create(
                group=group, person=person, is_leader=is_leader, joined_at=timezone.now()
            )
            audit_record(action="group.member", actor=user, request=request, obj=group, detail={"person": person.pk})
    except IntegrityError:
        raise duplicate from None
    return member

"""Emergency plans (R-DEV-2): keep a plan, activate it for an area, check on every household,
end it.

Activating a plan pauses routine visits in its area through the visits pause service (so only
those who may pause visits activate a plan, and the work lists turn to phone contact there as for
any pause) and opens the check-on-everyone list: one row per lived-in household of the area, the
households with a member in one of the plan's first groups (or, when the plan names none, in any
special group) first. Ending the activation lifts its pause; the list stays as the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability, Role
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.audit import audit_record
from qiaomen.core.errors import Conflict, Forbidden, InvalidInput
from qiaomen.core.masking import mask_phone
from qiaomen.core.phone import PhoneError, parse_phone
from qiaomen.core.transitions import claim_transition
from qiaomen.devices.models import (
    ActivationStatus,
    CheckOutcome,
    EmergencyPlan,
    HouseholdCheck,
    PlanActivation,
    PlanContact,
    PlanKind,
)
from qiaomen.places.models import Community, Grid, Street
from qiaomen.registry.models import Household, HouseholdStatus, PersonStatus, PersonTag, Tag
from qiaomen.visits.models import VisitPause
from qiaomen.visits.services import visit_pause_create, visit_pause_lift

STEP_MAX = 500
# A pause needs an end date; an activation's pause lasts until the activation ends, which lifts
# it. This bound only keeps a forgotten activation from pausing visits for ever.
PAUSE_LONGEST = dt.timedelta(days=90)
# Households where somebody may be at home to check on.
CHECKED_STATUSES = (HouseholdStatus.OCCUPIED, HouseholdStatus.SEPARATED)


@dataclass(frozen=True)
class ContactInput:
    name: str
    role: str
    phone: str


def _require_planner(user: User) -> None:
    if not user.can(Capability.MANAGE_EMERGENCY_PLANS):
        raise Forbidden("plan_not_allowed", _("Only a street administrator keeps emergency plans."))


def _clean_contacts(contacts: list[ContactInput]) -> list[tuple[str, str, str]]:
    cleaned = []
    for contact in contacts:
        name, role = contact.name.strip(), contact.role.strip()
        if not name or not role:
            raise InvalidInput("plan_contact_incomplete", _("Each contact needs a name and a role."))
        if len(name) > 64 or len(role) > 64:
            raise InvalidInput("text_too_long", _("A contact's name or role is too long (at most 64 characters)."))
        try:
            phone = parse_phone(contact.phone)
        except PhoneError as error:
            raise InvalidInput(error.code, error.message) from error
        cleaned.append((name, role, phone))
    return cleaned


def plan_save(
    *,
    user: User,
    street: Street,
    kind: str,
    title: str,
    steps: list[str],
    responsible_roles: list[str],
    first_tags: list[Tag],
    contacts: list[ContactInput],
    request: HttpRequest | None = None,
) -> EmergencyPlan:
    """Create the street's plan for `kind`, or replace what it says."""
    _require_planner(user)
    if street.pk not in place_scope(user).street_ids:
        raise Forbidden("plan_not_allowed", _("Only a street administrator keeps emergency plans."))
    if kind not in PlanKind.values:
        raise InvalidInput("plan_kind_invalid", _("Choose the kind of emergency."))
    title = title.strip()
    if not title or len(title) > 120:
        raise InvalidInput("plan_title_invalid", _("Give the plan a title of at most 120 characters."))
    steps = [step.strip() for step in steps if step.strip()]
    if not steps:
        raise InvalidInput("plan_steps_required", _("A plan needs at least one step."))
    if any(len(step) > STEP_MAX for step in steps):
        raise InvalidInput("text_too_long", _("A step is too long (at most 500 characters)."))
    if not responsible_roles or any(role not in Role.values for role in responsible_roles):
        raise InvalidInput("plan_roles_invalid", _("Choose the roles responsible for the plan."))
    cleaned = _clean_contacts(contacts)
    with transaction.atomic():
        plan, created = EmergencyPlan.objects.update_or_create(
            street=street,
            kind=kind,
            defaults={"title": title, "steps": steps, "responsible_roles": list(dict.fromkeys(responsible_roles))},
        )
        plan.first_tags.set(first_tags)
        plan.contacts.all().delete()
        PlanContact.objects.bulk_create(
            PlanContact(plan=plan, name=name, role=role, phone=phone, phone_masked=mask_phone(phone), position=index)
            for index, (name, role, phone) in enumerate(cleaned)
        )
        audit_record(
            action="emergency_plan.create" if created else "emergency_plan.edit",
            actor=user,
            request=request,
            obj=plan,
            detail={"kind": kind, "steps": len(steps), "contacts": len(cleaned)},
        )
    return plan


def _area(plan: EmergencyPlan, community: Community | None, grid: Grid | None) -> tuple[list[Community], list[Grid]]:
    """The pause's communities and grids for an activation of the plan's street, a community or a grid."""
    if grid is not None:
        if community is not None and grid.community_id != community.pk:
            raise InvalidInput("plan_area_mismatch", _("The grid is not in that community."))
        community = grid.community
    if community is not None and community.street_id != plan.street_id:
        raise InvalidInput("plan_area_mismatch", _("The area is not in the plan's street."))
    if grid is not None:
        return [], [grid]
    if community is not None:
        return [community], []
    return list(Community.objects.filter(street_id=plan.street_id)), []


def plan_activate(
    *,
    user: User,
    plan: EmergencyPlan,
    community: Community | None = None,
    grid: Grid | None = None,
    request: HttpRequest | None = None,
) -> PlanActivation:
    _require_planner(user)
    communities, grids = _area(plan, community, grid)
    if grid is not None:
        community = grid.community
    already = PlanActivation.objects.filter(
        plan=plan, status=ActivationStatus.ACTIVE, community=community, grid=grid
    ).exists()
    if already:
        raise Conflict("plan_already_active", _("This plan is already active in that area."))
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        pause = visit_pause_create(
            user=user,
            communities=communities,
            grids=grids,
            starts_on=today,
            ends_on=today + PAUSE_LONGEST,
            reason=f"{plan.title}（{plan.get_kind_display()}）",
            request=request,
        )
        activation = PlanActivation.objects.create(
            plan=plan,
            street_id=plan.street_id,
            community=community,
            grid=grid,
            started_by=user,
            started_at=now,
            pause=pause,
        )
        checks = _checks_for(activation, communities, grids)
        audit_record(
            action="plan_activation.start",
            actor=user,
            request=request,
            obj=activation,
            detail={"plan": plan.pk, "households": checks},
        )
    return activation


def _checks_for(activation: PlanActivation, communities: list[Community], grids: list[Grid]) -> int:
    plan = activation.plan
    tags = (
        Tag.objects.filter(pk__in=plan.first_tags.values("pk"))
        if plan.first_tags.exists()
        else (Tag.objects.filter(is_special_group=True, active=True))
    )
    special_member = PersonTag.objects.filter(
        person__household=OuterRef("pk"), person__status=PersonStatus.ACTIVE, tag__in=tags
    )
    area = Q(building__grid__in=grids) | Q(building__grid__community__in=communities)
    households = (
        Household.objects.filter(area, status__in=CHECKED_STATUSES)
        .annotate(special=Exists(special_member))
        .values_list("pk", "building__grid_id", "building__grid__community_id", "special")
    )
    rows = [
        HouseholdCheck(
            activation=activation, household_id=pk, grid_id=grid_id, community_id=community_id, special=special
        )
        for pk, grid_id, community_id, special in households
    ]
    HouseholdCheck.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def plan_deactivate(*, user: User, activation: PlanActivation, request: HttpRequest | None = None) -> PlanActivation:
    _require_planner(user)
    now = timezone.now()
    with transaction.atomic():
        activation = claim_transition(
            row=activation,
            to_state=ActivationStatus.ENDED,
            action="end",
            actor=user,
            changes={"ended_at": now},
            request=request,
            at=now,
        )
        if activation.pause_id is not None:
            visit_pause_lift(user=user, pause=VisitPause.objects.get(pk=activation.pause_id), request=request)
    return activation


def household_check_record(
    *, user: User, check: HouseholdCheck, outcome: str, request: HttpRequest | None = None
) -> HouseholdCheck:
    """The grid worker of the household's grid checks it off (again, if the outcome changed)."""
    if user.role != Role.GRID_WORKER or check.grid_id not in place_scope(user).grid_ids:
        raise Forbidden("check_not_allowed", _("Only the grid worker of this grid checks its households."))
    if outcome not in CheckOutcome.values:
        raise InvalidInput("check_outcome_invalid", _("Choose how the household was found."))
    now = timezone.now()
    with transaction.atomic():
        done = HouseholdCheck.objects.filter(pk=check.pk, activation__status=ActivationStatus.ACTIVE).update(
            outcome=outcome, checked_at=now, checked_by=user
        )
        if not done:
            raise Conflict("activation_ended", _("The emergency plan has ended: its list is closed."))
        audit_record(
            action="household_check.record", actor=user, request=request, obj=check, detail={"outcome": outcome}
        )
    check.refresh_from_db(fields=["outcome", "checked_at", "checked_by"])
    return check

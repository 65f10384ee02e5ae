"""Emergency plan pages: the street's plans, one plan with its activations, keeping a plan,
activating it for an area, an activation's progress by community and the user's check list
(a button per household for its grid worker), ending it."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.places import communities_for_user, grids_for_user
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.core.errors import DomainError
from qiaomen.devices.models import ActivationStatus, EmergencyPlan
from qiaomen.devices.plans import ContactInput, household_check_record, plan_activate, plan_deactivate, plan_save
from qiaomen.devices.scope import (
    ACTIVATION_VIEWERS,
    PLAN_VIEWERS,
    activation_for_user,
    activations_for_user,
    check_for_user,
    checks_for_user,
    plan_for_user,
    plans_for_user,
)
from qiaomen.devices.selectors import activation_progress
from qiaomen.places.models import Street
from qiaomen.web.emergencies.forms import ActivateForm, CheckForm, PlanForm
from qiaomen.web.shared.views import current_user, staff_page, user_with

CONTACT_SEPARATORS = re.compile(r"\s*[,，]\s*")


def _user_with_any(request: HttpRequest, capabilities: tuple[Capability, ...]) -> User:
    user = current_user(request)
    if not any(user.can(capability) for capability in capabilities):
        raise PermissionDenied
    return user


@staff_page
def plan_list(request: HttpRequest) -> HttpResponse:
    """The street's plans, and the activations in force in the user's places (a grid worker's way
    to their check list)."""
    user = _user_with_any(request, ACTIVATION_VIEWERS)
    context = {
        "plans": plans_for_user(user),
        "activations": activations_for_user(user).filter(status=ActivationStatus.ACTIVE).select_related("plan"),
        "may_manage": user.can(Capability.MANAGE_EMERGENCY_PLANS),
    }
    return render(request, "web/emergencies/plans.html", context)


@staff_page
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_with_any(request, PLAN_VIEWERS)
    plan = plan_for_user(user, pk)
    context = {
        "plan": plan,
        "activations": activations_for_user(user).filter(plan=plan).select_related("community", "grid")[:20],
        "may_manage": user.can(Capability.MANAGE_EMERGENCY_PLANS),
        "activate_form": ActivateForm(
            communities=communities_for_user(user).filter(street_id=plan.street_id),
            grids=grids_for_user(user).filter(community__street_id=plan.street_id),
        ),
    }
    return render(request, "web/emergencies/plan_detail.html", context)


def _contacts(text: str) -> list[ContactInput]:
    contacts = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        parts = CONTACT_SEPARATORS.split(line)
        if len(parts) != 3:
            raise ValidationError(gettext("Write each contact as: name, role, phone."))
        contacts.append(ContactInput(name=parts[0], role=parts[1], phone=parts[2]))
    return contacts


def _plan_form_page(request: HttpRequest, plan: EmergencyPlan | None) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_EMERGENCY_PLANS)
    # A new plan is for the street the user keeps as a whole (a street admin's assignment).
    street = Street.objects.filter(pk__in=sorted(place_scope(user).street_ids)).order_by("pk").first()
    initial = {}
    if plan is not None:
        initial = {
            "kind": plan.kind,
            "title": plan.title,
            "steps": "\n".join(plan.steps),
            "responsible_roles": plan.responsible_roles,
            "first_tags": list(plan.first_tags.all()),
            "contacts": "\n".join(f"{c.name}, {c.role}, {c.phone}" for c in plan.contacts.all()),
        }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if street is None:
                raise PermissionDenied
            saved = plan_save(
                user=user,
                street=plan.street if plan is not None else street,
                kind=plan.kind if plan is not None else data["kind"],
                title=data["title"],
                steps=data["steps"].splitlines(),
                responsible_roles=data["responsible_roles"],
                first_tags=list(data["first_tags"]),
                contacts=_contacts(data["contacts"]),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, ValidationError(str(exc.message)))
        except ValidationError as exc:
            form.add_error("contacts", exc)
        else:
            return redirect("web:plan_detail", pk=saved.pk)
    heading = gettext("Edit the plan") if plan is not None else gettext("New emergency plan")
    context = {"form": form, "heading": heading}
    return render(request, "web/emergencies/form.html", context, status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    return _plan_form_page(request, None)


@staff_page
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_EMERGENCY_PLANS)
    return _plan_form_page(request, plan_for_user(user, pk))


@staff_page
@require_POST
def plan_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_EMERGENCY_PLANS)
    plan = plan_for_user(user, pk)
    form = ActivateForm(
        request.POST,
        communities=communities_for_user(user).filter(street_id=plan.street_id),
        grids=grids_for_user(user).filter(community__street_id=plan.street_id),
    )
    if not form.is_valid():
        return redirect("web:plan_detail", pk=pk)
    activation = plan_activate(
        user=user, plan=plan, community=form.cleaned_data["community"], grid=form.cleaned_data["grid"], request=request
    )
    return redirect("web:activation_detail", pk=activation.pk)


@staff_page
def activation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_with_any(request, ACTIVATION_VIEWERS)
    activation = activation_for_user(user, pk)
    context = {
        "activation": activation,
        "progress": activation_progress(activation=activation),
        "checks": checks_for_user(user, activation).select_related("household__building", "grid")[:500],
        "may_check": user.can(Capability.RECORD_VISITS) and activation.status == ActivationStatus.ACTIVE,
        "may_manage": user.can(Capability.MANAGE_EMERGENCY_PLANS),
        "outcomes": CheckForm().fields["outcome"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "web/emergencies/activation_detail.html", context)


@staff_page
@require_POST
def activation_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_EMERGENCY_PLANS)
    plan_deactivate(user=user, activation=activation_for_user(user, pk), request=request)
    return redirect("web:activation_detail", pk=pk)


@staff_page
@require_POST
def check_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.RECORD_VISITS)
    check = check_for_user(user, pk)
    household_check_record(user=user, check=check, outcome=request.POST.get("outcome", ""), request=request)
    return redirect("web:activation_detail", pk=check.activation_id)

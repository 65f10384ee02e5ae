"""User management and the password change page. Who may do what to which account is
accounts.services_users' business; these views find the account within the manager's reach
(404 outside it), call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import GRANTABLE_ROLES, Capability, roles_creatable_by
from qiaomen.accounts.selectors_users import (
    may_assign_role,
    may_keep_account,
    places_for_manager,
    user_for_manager,
    users_for_manager,
)
from qiaomen.accounts.services_users import (
    user_account_update,
    user_create_with_temporary_password,
    user_disable,
    user_enable,
    user_password_change,
    user_password_reset,
    user_role_assign,
)
from qiaomen.core.errors import DomainError
from qiaomen.web.shared.views import current_user, open_with_temporary_password, paginate, staff_page
from qiaomen.web.users.forms import AccountForm, PasswordChangeForm, RoleForm, UserCreateForm, UserFilterForm, place_key

USERS_PAGE_SIZE = 50


def _manager(request: HttpRequest) -> User:
    """User pages are for those who keep accounts or give roles; 403 before any lookup."""
    user = current_user(request)
    if not (user.can(Capability.MANAGE_USERS) or user.can(Capability.MANAGE_SECURITY)):
        raise PermissionDenied
    return user


def _filtered(users: QuerySet[User], form: UserFilterForm) -> QuerySet[User]:
    if not form.is_valid():
        return users.none()
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        users = users.filter(
            Q(username__icontains=text) | Q(display_name__icontains=text) | Q(staff_number__iexact=text)
        )
    if data["role"]:
        users = users.filter(role=data["role"])
    if data["status"]:
        users = users.filter(is_active=data["status"] == "active")
    return users


@staff_page
def user_list(request: HttpRequest) -> HttpResponse:
    by = _manager(request)
    form = UserFilterForm(request.GET)
    users = (
        _filtered(users_for_manager(by), form)
        .select_related("department")
        .prefetch_related("places__street", "places__community", "places__grid", "places__building__grid")
        .order_by("username")
    )
    context = {
        "form": form,
        "page": paginate(request, users, USERS_PAGE_SIZE),
        "may_create": by.can(Capability.MANAGE_USERS),
    }
    return render(request, "web/users/list.html", context)


def _shown_once(request: HttpRequest, *, user: User, password: str, created: bool) -> HttpResponse:
    """The temporary password, in this answer only: it is stored nowhere but as a hash."""
    return render(request, "web/users/password_shown.html", {"account": user, "password": password, "created": created})


@staff_page
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    by = _manager(request)
    if not by.can(Capability.MANAGE_USERS):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, roles=roles_creatable_by(by.role), places=places_for_manager(by))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = user_create_with_temporary_password(
                by=by,
                username=data["username"],
                role=data["role"],
                display_name=data["display_name"],
                staff_number=data["staff_number"],
                department=data.get("department"),
                places=form.chosen_places(),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _shown_once(request, user=user, password=password, created=True)
    status = 422 if form.errors else 200
    return render(request, "web/users/new.html", {"form": form}, status=status)


def _detail(request: HttpRequest, by: User, user: User, **forms: Any) -> HttpResponse:
    keeps, assigns = may_keep_account(by, user), may_assign_role(by, user)
    places = list(user.places.select_related("street", "community", "grid", "building__grid"))
    if keeps and "account_form" not in forms:
        initial = {
            "display_name": user.display_name,
            "staff_number": user.staff_number,
            "places": [place_key(assignment.place) for assignment in places],
        }
        forms["account_form"] = AccountForm(initial=initial, places=places_for_manager(by))
    if assigns and "role_form" not in forms:
        forms["role_form"] = RoleForm(initial={"role": user.role}, roles=GRANTABLE_ROLES[by.role])
    context = {"account": user, "places": places, "keeps": keeps, "assigns": assigns, **forms}
    status = 422 if any(form.errors for form in forms.values()) else 200
    return render(request, "web/users/detail.html", context, status=status)


@staff_page
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    by = _manager(request)
    return _detail(request, by, user_for_manager(by, user_id))


@staff_page
@require_POST
def user_account(request: HttpRequest, user_id: int) -> HttpResponse:
    by = _manager(request)
    user = user_for_manager(by, user_id)
    form = AccountForm(request.POST, places=places_for_manager(by))
    if form.is_valid():
        data = form.cleaned_data
        try:
            user_account_update(
                user=user,
                by=by,
                display_name=data["display_name"],
                staff_number=data["staff_number"],
                places=form.chosen_places(),
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The account is saved."))
            return redirect("web:user_detail", user_id=user.pk)
    return _detail(request, by, user, account_form=form)


@staff_page
@require_POST
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    by = _manager(request)
    user = user_for_manager(by, user_id)
    form = RoleForm(request.POST, roles=GRANTABLE_ROLES.get(by.role, frozenset()))
    if not form.is_valid():
        return _detail(request, by, user, role_form=form)
    user_role_assign(user=user, role=form.cleaned_data["role"], by=by, request=request)
    messages.success(request, _("The role is changed; it applies from the account's next page."))
    return redirect("web:user_detail", user_id=user.pk)


@staff_page
@require_POST
def user_disable_view(request: HttpRequest, user_id: int) -> HttpResponse:
    by = _manager(request)
    user = user_for_manager(by, user_id)
    user_disable(user=user, by=by, request=request)
    messages.success(request, _("The account is disabled: its sessions and tokens have ended."))
    return redirect("web:user_detail", user_id=user.pk)


@staff_page
@require_POST
def user_enable_view(request: HttpRequest, user_id: int) -> HttpResponse:
    by = _manager(request)
    user = user_for_manager(by, user_id)
    user_enable(user=user, by=by, request=request)
    messages.success(request, _("The account is active again."))
    return redirect("web:user_detail", user_id=user.pk)


@staff_page
@require_POST
def user_password_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    by = _manager(request)
    user = user_for_manager(by, user_id)
    password = user_password_reset(user=user, by=by, request=request)
    return _shown_once(request, user=user, password=password, created=False)


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@staff_page
@open_with_temporary_password
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Everyone's own password. The other sessions and the API tokens end; this browser stays
    signed in under a new session key."""
    user = current_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_password_change(
                user=user,
                old_password=data["old_password"],
                new_password=data["new_password"],
                keep_session_key=request.session.session_key,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:  # the password validators' verdict on the new password
            form.add_error("new_password", exc)
        else:
            update_session_auth_hash(request, user)  # a new session key for this browser
            messages.success(request, _("Your password is changed. Your other sessions have ended."))
            return redirect("web:home")
    status = 422 if form.errors else 200
    return render(request, "web/users/password_change.html", {"form": form}, status=status)

"""The security admin's pages: locked logins and second-factor resets. The rules live in
qiaomen.accounts.security and qiaomen.accounts.twofactor."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.security import locked_logins, login_unlock, twofactor_reset
from qiaomen.accounts.selectors_users import users_for_manager
from qiaomen.core.errors import NotFound
from qiaomen.web.shared.views import staff_page, user_with


@staff_page
def lock_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_SECURITY)
    return render(request, "web/security/locks.html", {"locks": locked_logins(by=user)})


@staff_page
@require_POST
def lock_unlock(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_SECURITY)
    username = request.POST.get("username", "").strip()[:150]
    ips = login_unlock(username=username, by=user, request=request)
    messages.success(
        request, _("%(user)s can sign in again from %(count)d address(es).") % {"user": username, "count": len(ips)}
    )
    return redirect("web:security_locks")


@staff_page
@require_POST
def twofactor_reset_view(request: HttpRequest) -> HttpResponse:
    """A lost phone: the user's authenticator and recovery codes go; they enrol again at login."""
    by = user_with(request, Capability.MANAGE_SECURITY)
    username = request.POST.get("username", "").strip()[:150]
    # Within the security admin's reach, like every account page: one outside it does not exist.
    user = users_for_manager(by).filter(username=username).first()
    if user is None:
        raise NotFound("user_not_found", _("No user has this username."))
    twofactor_reset(user=user, by=by, request=request)
    messages.success(request, _("Two-step sign-in of %(user)s was reset.") % {"user": username})
    return redirect("web:security_locks")

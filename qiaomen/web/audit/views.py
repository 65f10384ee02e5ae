"""The audit log for auditors: read-only, filtered, with the hash chain checked on request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qiaomen.accounts.roles import Capability
from qiaomen.core.audit import audit_actions, audit_entries, audit_verify
from qiaomen.core.models import AuditEntry
from qiaomen.web.audit.forms import AuditFilterForm
from qiaomen.web.shared.views import current_user, is_htmx, paginate, staff_page

AUDIT_PAGE_SIZE = 50


def _require_auditor(request: HttpRequest) -> None:
    if not current_user(request).can(Capability.VIEW_AUDIT):
        raise PermissionDenied


@staff_page
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditFilterForm(request.GET, actions=audit_actions())
    entries = AuditEntry.objects.none()
    if form.is_valid():
        data = form.cleaned_data
        entries = audit_entries(
            action=data["action"], actor_name=data["user"], day_from=data["date_from"], day_to=data["date_to"]
        )
    return render(request, "web/audit/log.html", {"form": form, "page": paginate(request, entries, AUDIT_PAGE_SIZE)})


@staff_page
def audit_chain(request: HttpRequest) -> HttpResponse:
    """Walks the whole chain, so it runs when asked rather than on every page of the log."""
    _require_auditor(request)
    checked, broken = audit_verify()
    template = "web/audit/_chain.html" if is_htmx(request) else "web/audit/chain.html"
    return render(request, template, {"checked": checked, "broken": broken})

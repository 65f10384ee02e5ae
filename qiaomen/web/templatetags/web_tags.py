"""Template helpers of the staff pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import PlaceAssignment
from qiaomen.accounts.roles import Capability
from qiaomen.core.workdays import year_is_known
from qiaomen.web.users.forms import place_label as place_label_of

register = template.Library()

# (URL name, label, capability needed: one, or any of a tuple), in the order of the bar: a grid
# worker's day starts with the work list.
NAV_ITEMS: list[tuple[str, Any, Capability | tuple[Capability, ...]]] = [
    ("web:worklist", _("Work list"), Capability.VIEW_VISITS),
    ("web:registry_search", _("Households"), Capability.VIEW_REGISTRY),
    ("web:place_tree", _("Places"), Capability.VIEW_REGISTRY),
    ("web:verification_queue", _("Verification"), Capability.VERIFY_HOUSEHOLDS),
    ("web:visit_calendar", _("Visit calendar"), Capability.PLAN_VISITS),
    ("web:coverage", _("Coverage"), Capability.VIEW_VISITS),
    ("web:visit_pauses", _("Pauses"), Capability.PAUSE_VISITS),
    ("web:ticket_inbox", _("Tickets"), Capability.VIEW_TICKETS),
    ("web:ticket_new", _("New ticket"), Capability.CREATE_TICKETS),
    ("web:ticket_review", _("To classify"), Capability.CLASSIFY_TICKETS),
    ("web:spot_check_queue", _("Spot checks"), Capability.SPOT_CHECK),
    ("web:ticket_figures", _("Ticket figures"), Capability.VIEW_TICKET_FIGURES),
    ("web:doorcode_buildings", _("Door codes"), Capability.MANAGE_DOOR_CODES),
    ("web:rights_list", _("Rights requests"), Capability.EDIT_REGISTRY),
    ("web:ticket_taxonomy", _("Categories"), Capability.MANAGE_TAXONOMY),
    ("web:workday_overrides", _("Working days"), Capability.MANAGE_TAXONOMY),
    ("web:import_upload", _("Imports"), Capability.IMPORT),
    ("web:user_list", _("Users"), (Capability.MANAGE_USERS, Capability.MANAGE_SECURITY)),
    ("web:audit_log", _("Audit log"), Capability.VIEW_AUDIT),
    ("web:security_locks", _("Locked logins"), Capability.MANAGE_SECURITY),
]


def _may_open(user: Any, needed: Capability | tuple[Capability, ...]) -> bool:
    return any(user.can(capability) for capability in (needed if isinstance(needed, tuple) else (needed,)))


@register.inclusion_tag("web/includes/nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, Any]:
    """The sections this user's role may open; the current one is marked for screen readers too."""
    request = context["request"]
    user = request.user
    links = [{"url": reverse(name), "label": label} for name, label, needed in NAV_ITEMS if _may_open(user, needed)]
    # Someone with nothing to open still gets the home page, which says whom to ask.
    home = reverse("web:home")
    if not links:
        links.insert(0, {"url": home, "label": _("My department")})
    # Notifications are everybody's; the unread count is one indexed COUNT (user, read_at).
    unread = user.notifications.filter(read_at__isnull=True).count()
    links.append({"url": reverse("web:notifications"), "label": _("Notifications"), "count": unread})
    for link in links:
        # Every path starts with the home page's, so it is current only when it is the page itself.
        link["current"] = request.path == home if link["url"] == home else request.path.startswith(link["url"])
    return {"links": links}


@register.filter
def place_label(assignment: PlaceAssignment) -> str:
    """Where an account acts, as the user pages name it (a building by grid and name)."""
    return place_label_of(assignment.place)


@register.inclusion_tag("web/includes/workday_warning.html", takes_context=True)
def workday_warning(context: template.Context) -> dict[str, Any]:
    """Admins are told on every page when this year or the next is not in the holidays package:
    deadlines there count Monday–Friday until someone adds the year's overrides."""
    user = context["request"].user
    if not user.can(Capability.MANAGE_TAXONOMY):
        return {"years": []}
    this_year = timezone.localdate().year
    return {"years": [year for year in (this_year, this_year + 1) if not year_is_known(year)]}

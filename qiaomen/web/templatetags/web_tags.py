"""Template helpers of the staff pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.accounts.models import PlaceAssignment
from qiaomen.accounts.roles import Capability
from qiaomen.core.workdays import year_is_known
from qiaomen.web.users.forms import place_label as place_label_of

register = template.Library()

# Who may open an entry: one capability, or any of a tuple.
Needed = Capability | tuple[Capability, ...]


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: Any
    needed: Needed


@dataclass(frozen=True)
class NavGroup:
    label: Any
    entries: list[NavEntry]


E = NavEntry
# The bar, grouped by area; within a group, in the order of a working day (a grid worker's day
# starts with the work list). An entry shows only to roles that hold what it needs, a group only
# when one of its entries shows. Add a page by appending a NavEntry to its group.
NAV_GROUPS: list[NavGroup] = [
    NavGroup(
        pgettext_lazy("screen", "Visits"),
        [
            E("web:worklist", _("Work list"), Capability.VIEW_VISITS),
            # The same work list offline on the phone (qiaomen.mobile), to install from here.
            E("mobile:app", _("Phone app"), Capability.RECORD_VISITS),
            E("web:visit_calendar", _("Visit calendar"), Capability.PLAN_VISITS),
            E("web:coverage", _("Coverage"), Capability.VIEW_VISITS),
            E("web:visit_pauses", _("Pauses"), Capability.PAUSE_VISITS),
        ],
    ),
    NavGroup(
        # R-DEV-2: incidents, and emergency plans with their check-on-everyone lists.
        _("Emergencies"),
        [
            E("web:incident_list", _("Incidents"), (Capability.REPORT_INCIDENTS, Capability.HANDLE_INCIDENTS)),
            E(
                "web:plan_list",
                _("Emergency plans"),
                (Capability.MANAGE_EMERGENCY_PLANS, Capability.HANDLE_INCIDENTS, Capability.RECORD_VISITS),
            ),
        ],
    ),
    NavGroup(
        pgettext_lazy("screen", "Registry"),
        [
            E("web:registry_search", _("Households"), Capability.VIEW_REGISTRY),
            E("web:place_tree", _("Places"), Capability.VIEW_REGISTRY),
            E("web:verification_queue", _("Verification"), Capability.VERIFY_HOUSEHOLDS),
            E("web:doorcode_buildings", _("Door codes"), Capability.MANAGE_DOOR_CODES),
            E("web:rights_list", _("Rights requests"), Capability.EDIT_REGISTRY),
            E("web:phone_corrections", _("Corrections from phones"), Capability.EDIT_REGISTRY),
            E("web:import_upload", _("Imports"), Capability.IMPORT),
        ],
    ),
    NavGroup(
        pgettext_lazy("screen", "Tickets"),
        [
            E("web:ticket_inbox", _("Tickets"), Capability.VIEW_TICKETS),
            E("web:ticket_new", _("New ticket"), Capability.CREATE_TICKETS),
            E("web:ticket_review", _("To classify"), Capability.CLASSIFY_TICKETS),
            E("web:spot_check_queue", _("Spot checks"), Capability.SPOT_CHECK),
            E("web:device_list", _("Devices"), Capability.VIEW_DEVICES),
        ],
    ),
    NavGroup(
        pgettext_lazy("screen", "Command centre"),
        [
            E("web:command", pgettext_lazy("screen", "Dashboard"), Capability.VIEW_COMMAND_CENTRE),
            E("web:ticket_figures", _("Ticket figures"), Capability.VIEW_TICKET_FIGURES),
            E("web:command_trends", pgettext_lazy("screen", "Trends"), Capability.VIEW_COMMAND_CENTRE),
            E("web:command_forecast", pgettext_lazy("screen", "Forecast"), Capability.VIEW_COMMAND_CENTRE),
            E("web:command_satisfaction", pgettext_lazy("screen", "Satisfaction"), Capability.VIEW_COMMAND_CENTRE),
            E("web:command_reports", pgettext_lazy("screen", "Reports"), Capability.VIEW_COMMAND_CENTRE),
            E("web:command_map", pgettext_lazy("screen", "Heat map"), Capability.VIEW_COMMAND_CENTRE),
            E("web:command_screen", pgettext_lazy("screen", "Big screen"), Capability.VIEW_COMMAND_CENTRE),
            E("web:screen_tokens", pgettext_lazy("screen", "Screen links"), Capability.MANAGE_SCREENS),
        ],
    ),
    NavGroup(
        # One entry per area of the participation domain: volunteers, activities, menu, budget.
        pgettext_lazy("screen", "Participation"),
        [
            E("web:activity_list", _("Activities, meetings, groups"), Capability.VIEW_ACTIVITIES),
            E("web:participation", _("Participation rate"), Capability.VIEW_ACTIVITIES),
            E("web:volunteer_list", _("Volunteers"), Capability.VIEW_VOLUNTEERS),
            E("web:volunteer_hours_queue", _("Hours to confirm"), Capability.CONFIRM_SERVICE),
            E("web:volunteer_me", _("My volunteering"), Capability.SERVE_AS_VOLUNTEER),
            E("web:budget", pgettext_lazy("budget", "Budget and spending"), Capability.VIEW_BUDGET),
            E("web:spending_approvals", pgettext_lazy("budget", "Spending to approve"), Capability.APPROVE_SPENDING),
            E("web:menu", _("Service menu"), Capability.VIEW_MENU),
            E("web:service_points", _("Service points"), Capability.VIEW_MENU),
        ],
    ),
    NavGroup(
        pgettext_lazy("screen", "System"),
        [
            E("web:ticket_taxonomy", _("Categories"), Capability.MANAGE_TAXONOMY),
            E("web:workday_overrides", _("Working days"), Capability.MANAGE_TAXONOMY),
            E("web:user_list", _("Users"), (Capability.MANAGE_USERS, Capability.MANAGE_SECURITY)),
            E("web:audit_log", _("Audit log"), Capability.VIEW_AUDIT),
            E("web:security_locks", _("Locked logins"), Capability.MANAGE_SECURITY),
        ],
    ),
]


def _may_open(user: Any, needed: Needed) -> bool:
    return any(user.can(capability) for capability in (needed if isinstance(needed, tuple) else (needed,)))


def _is_current(path: str, url: str, home: str) -> bool:
    # Every path starts with the home page's, so it is current only when it is the page itself.
    return path == home if url == home else path.startswith(url)


@register.inclusion_tag("web/includes/nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, Any]:
    """The groups and entries this user's role may open; the current one is marked for screen
    readers too. Of two entries whose paths nest (/command/ and /command/map/), the longer wins."""
    request = context["request"]
    user = request.user
    home = reverse("web:home")
    groups = []
    for group in NAV_GROUPS:
        links = [
            {"url": reverse(entry.url_name), "label": entry.label}
            for entry in group.entries
            if _may_open(user, entry.needed)
        ]
        if links:
            groups.append({"label": group.label, "links": links})
    # Someone with nothing to open still gets the home page, which says whom to ask.
    extra = [] if groups else [{"url": home, "label": _("My department")}]
    # Notifications are everybody's; the unread count is one indexed COUNT (user, read_at).
    unread = user.notifications.filter(read_at__isnull=True).count()
    extra.append({"url": reverse("web:notifications"), "label": _("Notifications"), "count": unread})
    every = [link for group in groups for link in group["links"]] + extra
    matching = [link for link in every if _is_current(request.path, link["url"], home)]
    current = max(matching, key=lambda link: len(link["url"]), default=None)
    for link in every:
        link["current"] = link is current
    return {"groups": groups, "links": extra}


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

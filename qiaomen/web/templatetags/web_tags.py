"""Template helpers of the staff pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.roles import Capability

register = template.Library()

# (URL name, label, capability needed); None: for users whom no other entry fits (departments).
NAV_ITEMS = [
    ("web:registry_search", _("Households"), Capability.VIEW_REGISTRY),
    ("web:place_tree", _("Places"), Capability.VIEW_REGISTRY),
    ("web:import_upload", _("Imports"), Capability.IMPORT),
    ("web:audit_log", _("Audit log"), Capability.VIEW_AUDIT),
]


@register.inclusion_tag("web/includes/nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, Any]:
    """The sections this user's role may open; the current one is marked for screen readers too."""
    request = context["request"]
    links = [
        {"url": reverse(name), "label": label} for name, label, capability in NAV_ITEMS if request.user.can(capability)
    ]
    if not links:
        links.append({"url": reverse("web:home"), "label": _("My department")})
    for link in links:
        link["current"] = request.path.startswith(link["url"])
    return {"links": links}

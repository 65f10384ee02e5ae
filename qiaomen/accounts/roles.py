"""Roles of SPEC.md's table and what each may do. One table, read by every permission check."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_ADMIN = "street_admin", _("street admin")
    COMMUNITY_STAFF = "community_staff", _("community staff")
    GRID_WORKER = "grid_worker", _("grid worker")
    BUILDING_CHIEF = "building_chief", _("building chief / volunteer")
    DEPARTMENT_HANDLER = "department_handler", _("department handler")
    SUPERVISOR = "supervisor", _("supervisor")
    AUDITOR = "auditor", _("auditor")


class Capability(StrEnum):
    VIEW_REGISTRY = "view_registry"  # household and person cards within the user's places
    UNMASK = "unmask"  # show a full ID number or phone, with a reason
    VIEW_SENSITIVE = "view_sensitive"  # care/health notes and children under 14 (SECURITY line 7)
    IMPORT = "import"  # import people from department files, resolve conflicts
    EDIT_REGISTRY = "edit_registry"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.STREET_ADMIN: frozenset(
        {C.VIEW_REGISTRY, C.UNMASK, C.VIEW_SENSITIVE, C.IMPORT, C.EDIT_REGISTRY, C.MANAGE_USERS}
    ),
    Role.COMMUNITY_STAFF: frozenset({C.VIEW_REGISTRY, C.UNMASK, C.VIEW_SENSITIVE, C.IMPORT, C.EDIT_REGISTRY}),
    Role.GRID_WORKER: frozenset({C.VIEW_REGISTRY, C.UNMASK, C.VIEW_SENSITIVE, C.EDIT_REGISTRY}),
    # Building chiefs and volunteers see their households with minimal data: masked, no notes.
    Role.BUILDING_CHIEF: frozenset({C.VIEW_REGISTRY}),
    # Departments see tickets only (SECURITY line 5); the registry is not theirs.
    Role.DEPARTMENT_HANDLER: frozenset(),
    Role.SUPERVISOR: frozenset({C.VIEW_REGISTRY}),
    # Separated duties (三员分立): the auditor reads the logs and nothing else.
    Role.AUDITOR: frozenset({C.VIEW_AUDIT}),
}

# Who may hand out which role: nobody grants a role above their own (SECURITY line 18).
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.STREET_ADMIN: frozenset(
        {Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.BUILDING_CHIEF, Role.DEPARTMENT_HANDLER, Role.SUPERVISOR}
    ),
    Role.COMMUNITY_STAFF: frozenset({Role.GRID_WORKER, Role.BUILDING_CHIEF}),
}


def role_can(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())

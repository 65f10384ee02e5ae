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
    # A volunteer of R-PAR-1 who signs in: their own tasks, hours, points and looked-after households.
    VOLUNTEER = "volunteer", _("volunteer")
    DEPARTMENT_HANDLER = "department_handler", _("department handler")
    SUPERVISOR = "supervisor", _("supervisor")
    # The three separated admin duties (三员分立, SECURITY line 15). The audit admin keeps the
    # value "auditor" that existing accounts and audit rows carry.
    AUDITOR = "auditor", _("audit admin")
    SYSTEM_ADMIN = "system_admin", _("system admin")
    SECURITY_ADMIN = "security_admin", _("security admin")


class Capability(StrEnum):
    VIEW_REGISTRY = "view_registry"  # household and person cards within the user's places
    UNMASK = "unmask"  # show a full ID number or phone, with a reason
    VIEW_SENSITIVE = "view_sensitive"  # care/health notes and children under 14 (SECURITY line 7)
    IMPORT = "import"  # import people from department files, resolve conflicts
    EDIT_REGISTRY = "edit_registry"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    VIEW_VISITS = "view_visits"  # work lists and coverage of the user's places
    RECORD_VISITS = "record_visits"  # knock on doors: record a visit to a household of their places
    PLAN_VISITS = "plan_visits"  # put visits into the shared calendar (R-VIS-5)
    VERIFY_HOUSEHOLDS = "verify_households"  # settle what a visit found (moved out, mismatch)
    PAUSE_VISITS = "pause_visits"  # stop visits in an area (typhoon, epidemic; R-VIS-7)
    VIEW_TICKETS = "view_tickets"  # the ticket list and detail of the user's places or department
    CREATE_TICKETS = "create_tickets"  # enter a phone or walk-in demand (channel "staff")
    HANDLE_TICKETS = "handle_tickets"  # accept, start, transfer, return, resolve
    CONFIRM_TICKETS = "confirm_tickets"  # confirm a resolved ticket on site, resubmit a returned one
    CLASSIFY_TICKETS = "classify_tickets"  # confirm or correct the classifier; route demands held for review
    MERGE_TICKETS = "merge_tickets"  # fold a duplicate open ticket into the one that carries on
    SPOT_CHECK = "spot_check"  # the supervisor's sample of closed tickets (R-TIC-6)
    VIEW_TICKET_FIGURES = "view_ticket_figures"  # the figures page, within the user's scope
    MANAGE_TAXONOMY = "manage_taxonomy"  # rename, re-route, retire sub-categories; the workday table
    MANAGE_DOOR_CODES = "manage_door_codes"  # issue, revoke and print the residents' QR door codes
    MANAGE_SECURITY = "manage_security"  # unlocks, 2FA resets, key rotation, role changes
    VIEW_COMMAND_CENTRE = "view_command_centre"  # the targets dashboard and its drill-downs, within the user's places
    MANAGE_SCREENS = "manage_screens"  # issue and revoke the wall screen's read-only kiosk links
    VIEW_VOLUNTEERS = "view_volunteers"  # volunteers, teams, hours, points and stars of the user's places
    MANAGE_VOLUNTEERS = "manage_volunteers"  # enrol, teams, applications, training, redemptions, corrections
    CONFIRM_SERVICE = "confirm_service"  # confirm or reject the hours of the teams one leads
    SET_POINT_RATES = "set_point_rates"  # the street's points per hour and its catalogue of rewards
    SERVE_AS_VOLUNTEER = "serve_as_volunteer"  # one's own volunteer page: tasks, hours, points
    VIEW_BUDGET = "view_budget"  # the street's 20-yuan budget, its split and spending (read-only)
    MANAGE_BUDGET = "manage_budget"  # the split setting, fixing a year, entering spending with receipts
    APPROVE_SPENDING = "approve_spending"  # approve or reject spending someone else submitted
    VIEW_MENU = "view_menu"  # the service menu, its partners and service points of the user's places
    MANAGE_MENU = "manage_menu"  # keep partners, menu entries and service points (street staff)
    VIEW_ACTIVITIES = "view_activities"  # meetings, activities, groups and the participation rate of the user's places
    MANAGE_ACTIVITIES = "manage_activities"  # hold meetings and activities, sign households up, record attendance
    REPORT_INCIDENTS = (
        "report_incidents"  # report an incident (worker hurt, conflict, fire, flood) in one's places (R-DEV-2)
    )
    HANDLE_INCIDENTS = "handle_incidents"  # told of incidents in one's places; acknowledge and close them
    MANAGE_EMERGENCY_PLANS = "manage_emergency_plans"  # keep the street's emergency plans, activate and end them
    VIEW_DEVICES = "view_devices"  # wristbands, SOS buttons and sensors of the user's places, their events and tickets
    MANAGE_DEVICES = "manage_devices"  # register and retire devices of the user's places


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.STREET_ADMIN: frozenset(
        {C.VIEW_REGISTRY, C.UNMASK, C.VIEW_SENSITIVE, C.IMPORT, C.EDIT_REGISTRY, C.MANAGE_USERS}
        | {C.VIEW_VISITS, C.PLAN_VISITS, C.VERIFY_HOUSEHOLDS, C.PAUSE_VISITS}
        | {C.VIEW_TICKETS, C.CREATE_TICKETS, C.HANDLE_TICKETS, C.MERGE_TICKETS, C.VIEW_TICKET_FIGURES}
        | {C.MANAGE_TAXONOMY, C.CLASSIFY_TICKETS}
        | {C.MANAGE_DOOR_CODES, C.VIEW_COMMAND_CENTRE, C.MANAGE_SCREENS}
        | {C.VIEW_VOLUNTEERS, C.MANAGE_VOLUNTEERS, C.SET_POINT_RATES}
        | {C.VIEW_BUDGET, C.MANAGE_BUDGET, C.APPROVE_SPENDING}
        | {C.VIEW_MENU, C.MANAGE_MENU}
        | {C.VIEW_ACTIVITIES, C.MANAGE_ACTIVITIES}
        | {C.REPORT_INCIDENTS, C.HANDLE_INCIDENTS, C.MANAGE_EMERGENCY_PLANS}
        | {C.VIEW_DEVICES, C.MANAGE_DEVICES}
    ),
    # Community staff keep the accounts of their community's grid workers and building chiefs.
    Role.COMMUNITY_STAFF: frozenset(
        {C.VIEW_REGISTRY, C.UNMASK, C.VIEW_SENSITIVE, C.IMPORT, C.EDIT_REGISTRY, C.MANAGE_USERS}
        | {C.VIEW_VISITS, C.RECORD_VISITS, C.PLAN_VISITS, C.VERIFY_HOUSEHOLDS}
        | {C.VIEW_TICKETS, C.CREATE_TICKETS, C.CONFIRM_TICKETS, C.MERGE_TICKETS, C.VIEW_TICKET_FIGURES}
        | {C.CLASSIFY_TICKETS}
        | {C.MANAGE_DOOR_CODES, C.VIEW_COMMAND_CENTRE, C.VIEW_MENU}
        | {C.VIEW_VOLUNTEERS, C.MANAGE_VOLUNTEERS}
        # Their street's budget, read-only: the money is the street's, not the community's.
        | {C.VIEW_BUDGET}
        | {C.VIEW_ACTIVITIES, C.MANAGE_ACTIVITIES}
        | {C.REPORT_INCIDENTS, C.HANDLE_INCIDENTS}
        | {C.VIEW_DEVICES, C.MANAGE_DEVICES}
    ),
    Role.GRID_WORKER: frozenset(
        {C.VIEW_REGISTRY, C.UNMASK, C.VIEW_SENSITIVE, C.EDIT_REGISTRY, C.VIEW_VISITS, C.RECORD_VISITS}
        | {C.VIEW_TICKETS, C.CREATE_TICKETS, C.CONFIRM_TICKETS, C.MANAGE_DOOR_CODES, C.VIEW_MENU}
        | {C.VIEW_VOLUNTEERS, C.CONFIRM_SERVICE}
        | {C.VIEW_ACTIVITIES, C.MANAGE_ACTIVITIES}
        | {C.REPORT_INCIDENTS}
        | {C.VIEW_DEVICES}
    ),
    # Building chiefs and volunteers see their households with minimal data: masked, no notes.
    Role.BUILDING_CHIEF: frozenset({C.VIEW_REGISTRY}),
    # A volunteer sees no registry at all: only their own volunteer page, which shows the
    # addresses of the households they look after (R-PAR-1), never who lives there.
    Role.VOLUNTEER: frozenset({C.SERVE_AS_VOLUNTEER}),
    # Departments see tickets only (SECURITY line 5); the registry is not theirs. They put their
    # visits into the shared calendar by place, without seeing who lives there (R-VIS-5).
    # They merge only their own department's tickets: the only ones they see.
    Role.DEPARTMENT_HANDLER: frozenset(
        {C.PLAN_VISITS, C.VIEW_TICKETS, C.HANDLE_TICKETS, C.MERGE_TICKETS, C.VIEW_TICKET_FIGURES}
    ),
    # The supervisor (督导考核组) approves the street's spending: a second pair of eyes apart
    # from the street admin who enters it.
    Role.SUPERVISOR: frozenset(
        {C.VIEW_REGISTRY, C.VIEW_VISITS, C.VIEW_TICKETS, C.SPOT_CHECK, C.VIEW_TICKET_FIGURES, C.VIEW_COMMAND_CENTRE}
        | {C.VIEW_VOLUNTEERS}
        | {C.VIEW_BUDGET, C.APPROVE_SPENDING}
        | {C.VIEW_MENU}
        | {C.VIEW_ACTIVITIES}
    ),
    # Separated duties (三员分立, SECURITY line 15), none of them sees a person's file:
    # the system admin keeps accounts and their places, never the audit log;
    Role.SYSTEM_ADMIN: frozenset({C.MANAGE_USERS}),
    # the security admin gives roles, unlocks accounts, resets second factors;
    Role.SECURITY_ADMIN: frozenset({C.MANAGE_SECURITY}),
    # the audit admin reads the log and nothing else.
    Role.AUDITOR: frozenset({C.VIEW_AUDIT}),
}

# The three admin duties: one person holds at most one of them (one account, one role), proved
# by the unique staff number that every admin-duty account carries.
ADMIN_DUTY_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
BUSINESS_ROLES: frozenset[str] = frozenset(Role.values) - ADMIN_DUTY_ROLES

# Who may hand out which role, when creating an account or changing its role. Nobody grants a
# role above their own (SECURITY line 18), and the admin duties stay apart:
# - the street admin and community staff hand out the business roles below theirs, within their places;
# - the system admin creates accounts and assigns places but gives no role: its new accounts wait,
#   without any right, for the security admin;
# - the security admin gives every role but its own (so no security admin makes another one, and
#   nobody changes their own role: accounts.services_users refuses that for everyone).
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.STREET_ADMIN: frozenset(
        {Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.BUILDING_CHIEF, Role.VOLUNTEER}
        | {Role.DEPARTMENT_HANDLER, Role.SUPERVISOR}
    ),
    Role.COMMUNITY_STAFF: frozenset({Role.GRID_WORKER, Role.BUILDING_CHIEF, Role.VOLUNTEER}),
    Role.SYSTEM_ADMIN: frozenset(),
    Role.SECURITY_ADMIN: frozenset(Role.values) - {Role.SECURITY_ADMIN},
}

# Whose accounts each role keeps (edits, disables, re-enables, resets the password of), by the
# account's role; "" is an account still without a role. The system admin keeps the business
# accounts; the admin-duty accounts are kept by the security admin, so that the system admin can
# neither silence the audit admin nor take over a security admin's account.
NO_ROLE = ""
ACCOUNT_KEEPERS: dict[str, frozenset[str]] = {
    Role.STREET_ADMIN: GRANTABLE_ROLES[Role.STREET_ADMIN],
    Role.COMMUNITY_STAFF: GRANTABLE_ROLES[Role.COMMUNITY_STAFF],
    Role.SYSTEM_ADMIN: BUSINESS_ROLES | {NO_ROLE},
    Role.SECURITY_ADMIN: ADMIN_DUTY_ROLES,
}


def roles_creatable_by(role: str) -> frozenset[str]:
    """The roles a new account may get from this role: those it grants, and for the system
    admin, none yet (NO_ROLE)."""
    return GRANTABLE_ROLES.get(role, frozenset()) | (ACCOUNT_KEEPERS.get(role, frozenset()) & {NO_ROLE})


def role_can(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())

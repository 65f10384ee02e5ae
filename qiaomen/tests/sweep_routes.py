"""The routes of the URLconf as the scope sweep (test_scope_sweep.py) sees them: which record of
grid B each path parameter names, who may see each kind of record, and every route walked from
Django's resolver. Kept apart from the sweep's tests so that both stay readable."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Which record of grid B a path parameter stands for. A route whose parameter is in neither
# mapping fails the sweep: add the parameter here (or the word before it in the path).
KIND_BY_PARAMETER: dict[str, str] = {
    "household_id": "household",
    "person_id": "person",
    "grid_id": "grid",
    "building_id": "building",
    "community_id": "community",
    "visit_id": "visit",
    "ticket_id": "ticket",
    # Open311 (/open311/v2/requests/<id>.json): a service request is the ticket of that number.
    "service_request_id": "ticket",
    # The user pages (users/<id>/…): grid B's worker's account.
    "user_id": "user",
    # The volunteers' API: a volunteer of grid B, and their hours.
    "volunteer_id": "volunteer",
    "hours_id": "volunteer_hours",
    # The street's budget (api/v1/budget/spending/<id>) and its public disclosures.
    "spending_id": "spending",
    "disclosure_id": "disclosure",
    "activity_id": "activity",
    # The meetings' API (api/v1/meetings/<id>/…, api/v1/groups/<id>/…).
    "meeting_id": "meeting",
    "group_id": "resident_group",
    # Incidents (R-DEV-2): api/v1/incidents/<id>.
    "incident_id": "incident",
}
# Generic names (pk, id) take their kind from the path segment just before them:
# registry/households/<int:pk>/ is a household, imports/<int:pk>/result/ an import batch.
GENERIC_PARAMETERS = {"pk", "id"}
KIND_BY_SEGMENT: dict[str, str] = {
    "households": "household",
    "household": "household",
    "persons": "person",
    "person": "person",
    "people": "person",
    "grids": "grid",
    "grid": "grid",
    "buildings": "building",
    "building": "building",
    "communities": "community",
    "community": "community",
    "imports": "import_batch",
    "conflicts": "conflict",
    "corrections": "phone_correction",
    "verifications": "verification",
    "pauses": "pause",
    "visits": "visit",
    "tickets": "ticket",
    # tickets/photos/<int:pk>/: the photo's own id, scoped through its ticket.
    "photos": "ticket_photo",
    "spot-checks": "spot_check",
    "subcategories": "subcategory",
    # rights/<int:pk>/…: a resident's request to see, correct or delete their information.
    "rights": "rights_request",
    # command/reports/<int:pk>/: a kept monthly bulletin, which covers grid B's whole street.
    "reports": "report",
    # volunteers/<int:pk>/…: a volunteer of grid B; volunteers/hours/<int:pk>/…: their hours;
    # volunteers/applications/<int:pk>/: an offer to volunteer from grid B's household;
    # volunteers/enrol/<int:pk>/: grid B's person made a volunteer (staff work);
    # volunteers/catalogue/<int:pk>/: an item of the catalogue of grid B's street.
    "volunteers": "volunteer",
    "hours": "volunteer_hours",
    "applications": "volunteer_application",
    "enrol": "enrol_person",
    "catalogue": "catalogue_item",
    # budget/streets/<int:pk>/…: grid B's street, whose budget its street admin keeps;
    # budget/spending/<int:pk>/…: an entry of that budget; budget/receipts/<int:pk>/: its receipt.
    "streets": "street",
    "spending": "spending",
    "receipts": "spending_receipt",
    # menu/partners/<pk>/, menu/entries/<pk>/…, menu/points/<pk>/…: grid B's community's partner,
    # its menu entry and its service point.
    "partners": "partner",
    "entries": "menu_entry",
    "points": "service_point",
    # activities/… (R-PAR-2): an activity, a meeting, its decision, a self-governing group.
    "activities": "activity",
    "meetings": "meeting",
    "decisions": "meeting_decision",
    "groups": "resident_group",
    # emergencies/… (R-DEV-2): an incident of grid B, the street's plan, its activation over
    # grid B and the row of grid B's household on that activation's check list.
    "incidents": "incident",
    "plans": "emergency_plan",
    "activations": "plan_activation",
    "checks": "household_check",
    # devices/<int:pk>/…: a wristband in grid B's household (R-DEV-1).
    "devices": "device",
}
# Parameters that are themselves the credential (the resident's one-time rating link): there is
# no record to scope, so those routes get their own test below instead of the record sweep.
BEARER_PARAMETERS = {"token"}
# Parameters that name nothing of a place: Open311's service codes (the public list of
# sub-categories) and its tokens (never issued, always 404); the API's catch-all for paths no
# operation matches (api/v1/<path:rest>, always a JSON 404). Those routes are swept like pages
# without a record.
NON_RECORD_PARAMETERS = {"service_code", "token_id", "rest"}
# Parameters of records published on purpose: GeoReport v2 answers GET requests/{id} to anyone,
# without a key, with public fields only (qiaomen/open311/reads.py). Outsiders are not refused
# there; their own test below checks that grid B's ticket reads without grid B's people,
# addresses or the words written about them.
# The budget's quarterly disclosures (disclosures/<id>/) are public too: aggregates only.
PUBLISHED_PARAMETERS = {"service_request_id", "disclosure_id"}
# Who may see each kind of record of grid B; everyone in OUTSIDERS must get nothing of it.
# Imports belong to the staff member who uploaded them (here the street admin); settling a
# verification and lifting a visit pause are staff work above the grid worker.
INSIDER_BY_KIND: dict[str, str] = {
    "household": "worker_b",
    "person": "worker_b",
    "grid": "worker_b",
    "building": "worker_b",
    "community": "worker_b",
    "import_batch": "street_admin",
    "conflict": "street_admin",
    "phone_correction": "worker_b",
    "verification": "street_admin",
    "pause": "street_admin",
    "visit": "worker_b",
    # Grid B's ticket is routed to 住建, so the 民政 handler is an outsider as well.
    "ticket": "worker_b",
    "ticket_photo": "worker_b",
    "spot_check": "supervisor",
    "subcategory": "street_admin",
    "rights_request": "worker_b",
    # Grid B's worker's account is kept by the street admin (and by the system and security
    # admins, who act on the whole street's accounts: ALSO_INSIDERS).
    "user": "street_admin",
    # The street's kept bulletin: for whoever sees the whole street, not a community's staff.
    "report": "street_admin",
    "volunteer": "worker_b",
    "volunteer_hours": "worker_b",
    "volunteer_application": "street_admin",
    "enrol_person": "street_admin",
    # The street's catalogue of rewards: changed only by who sets the street's rates.
    "catalogue_item": "street_admin",
    # The street's budget: kept by its street admin; community staff read it (ALSO_INSIDERS),
    # the receipts only those who handle the money.
    "street": "street_admin",
    "spending": "street_admin",
    "spending_receipt": "street_admin",
    # Community 2's partner, entry and point: read by its grid worker, kept by the street admin.
    "partner": "street_admin",
    "menu_entry": "street_admin",
    "service_point": "street_admin",
    "activity": "worker_b",
    "meeting": "worker_b",
    "meeting_decision": "worker_b",
    "resident_group": "worker_b",
    "incident": "worker_b",
    # The street's plan: kept by its street admin, read by who handles incidents (ALSO_INSIDERS).
    "emergency_plan": "street_admin",
    "plan_activation": "worker_b",
    "household_check": "worker_b",
    "device": "worker_b",
}
# Outsiders who may nevertheless see some kind of grid B's record: they are left out of the
# outsiders' check for routes of that kind only.
ALSO_INSIDERS: dict[str, set[str]] = {
    "user": {"system_admin", "security_admin"},
    "spending": {"community_staff"},
    # Grid B's street is community 1's street too: its staff read the street's budget.
    "street": {"community_staff"},
    # The street's emergency plans are read by every community's staff of that street.
    "emergency_plan": {"community_staff"},
}
NO_SUCH_PK = 987_654_321

# Everyone who must not see grid B: grid A's worker, building chief and volunteer (who signs in
# with the volunteer role and sees only their own page), community 1's staff
# (grid B lies in community 2), a department handler, the three admin duties (who see no
# household, no person, no ticket), a user without places, and nobody signed in (None).
OUTSIDERS = [
    "worker_a",
    "building_chief",
    "volunteer_a",
    "community_staff",
    "dept_handler",
    "system_admin",
    "security_admin",
    "auditor",
    "unassigned",
    None,
]
# Stricter for grid A's worker, who may open household and person files (issue 2, "Must show"):
# grid B's are exactly 404, never a refusal, on every route that takes the method at all.
GRID_A_WORKER = "worker_a"
STRICT_KINDS = {"household", "person"}

# Answers that say nothing about a record as long as a record that does not exist gets the same:
# a route closed to the whole role (403), no sign-in (401, or a redirect to the login page), a
# method the route does not take (405), and for POSTs a rejected empty form (400, 422).
REFUSALS_BY_METHOD = {"get": {401, 403, 405}, "post": {400, 401, 403, 405, 422}}


@dataclass(frozen=True)
class Route:
    route: str  # from the site root, Django's notation: "api/v1/households/<int:household_id>"

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """(converter, name) of each path parameter, in order."""
        return [(conv or "str", name) for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", self.route)]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def kind_of(self, name: str) -> str | None:
        if name in KIND_BY_PARAMETER:
            return KIND_BY_PARAMETER[name]
        if name in GENERIC_PARAMETERS:
            segment = re.search(rf"([\w-]+)/<(?:\w+:)?{name}>", self.route)
            return KIND_BY_SEGMENT.get(segment.group(1)) if segment else None
        return None

    @property
    def is_bearer(self) -> bool:
        return any(name in BEARER_PARAMETERS for _, name in self.parameters)

    @property
    def is_published(self) -> bool:
        return any(name in PUBLISHED_PARAMETERS for _, name in self.parameters)

    @property
    def names_no_record(self) -> bool:
        return bool(self.parameters) and all(name in NON_RECORD_PARAMETERS for _, name in self.parameters)

    def unknown_parameters(self) -> list[str]:
        return [
            name
            for converter, name in self.parameters
            if converter != "int" or self.kind_of(name) not in INSIDER_BY_KIND
        ]

    def url(self, pk_of: Callable[[str], int]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(pk_of(str(self.kind_of(m.group(1))))), self.route)


def _pattern_text(entry: URLPattern | URLResolver) -> str:
    """A pattern in path() notation; regex patterns are accepted when they are plain paths."""
    text = str(entry.pattern)
    if not text.startswith("^"):
        return text
    plain = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text.removeprefix("^").removesuffix("$").removesuffix("\\Z"))
    if re.search(r"[\\()\[\]*+?|{}^$]", plain):
        pytest.fail(f"The scope sweep cannot build a URL for the regex route {text!r}: write it with path().")
    return plain


def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + _pattern_text(entry))
        else:
            yield Route(prefix + _pattern_text(entry))


ALL_ROUTES = sorted(set(walk(get_resolver().url_patterns)), key=lambda r: r.route)
RECORD_ROUTES = [
    r for r in ALL_ROUTES if r.parameters and not r.is_bearer and not r.names_no_record and not r.is_published
]
PUBLISHED_ROUTES = [r for r in ALL_ROUTES if r.is_published]
BEARER_ROUTES = [r for r in ALL_ROUTES if r.is_bearer]
PLAIN_ROUTES = [r for r in ALL_ROUTES if not r.parameters or r.names_no_record]

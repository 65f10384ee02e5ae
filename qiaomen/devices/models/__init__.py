"""The devices domain's tables, one module per area (R-DEV-1 devices and alarms, R-DEV-2
incidents and emergency plans); Django finds a model when its module is imported here."""

from qiaomen.devices.models import acknowledgements, devices  # noqa: F401
from qiaomen.devices.models.emergencies import (
    ActivationStatus,
    CheckOutcome,
    EmergencyPlan,
    HouseholdCheck,
    Incident,
    IncidentKind,
    IncidentStatus,
    PlanActivation,
    PlanContact,
    PlanKind,
)

__all__ = [
    "ActivationStatus",
    "CheckOutcome",
    "EmergencyPlan",
    "HouseholdCheck",
    "Incident",
    "IncidentKind",
    "IncidentStatus",
    "PlanActivation",
    "PlanContact",
    "PlanKind",
]

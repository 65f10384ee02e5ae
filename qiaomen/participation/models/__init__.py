"""The participation domain's tables, one module per area (R-PAR-1 … R-PAR-4); Django finds a
model when its module is imported here."""

from qiaomen.participation.models import activities, budget, menu, volunteer_points, volunteers  # noqa: F401

"""The participation domain's tables, one module per area (R-PAR-1 … R-PAR-4)."""

from qiaomen.participation.models import volunteer_points, volunteers  # noqa: F401 (issue 14 volunteers)

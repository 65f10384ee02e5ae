"""The participation domain's tables, one module per area (R-PAR-1 … R-PAR-4)."""

from qiaomen.participation.models.budget import *  # noqa: F403

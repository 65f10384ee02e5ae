"""The participation domain's tables, one module per area (R-PAR-1 … R-PAR-4)."""

from qiaomen.participation.models.menu import MenuEntry, MenuRequest, Partner, ServicePoint  # noqa: F401

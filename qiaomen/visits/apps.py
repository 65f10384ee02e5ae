from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "qiaomen.visits"
    label = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        # Connects the signals that make a process forget the reference rows it keeps.
        from qiaomen.visits import reference  # noqa: F401

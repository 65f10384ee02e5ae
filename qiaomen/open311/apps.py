from __future__ import annotations

from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "qiaomen.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self) -> None:
        from qiaomen.open311.retention import open311_retention_register

        open311_retention_register()

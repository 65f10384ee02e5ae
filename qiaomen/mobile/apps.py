from __future__ import annotations

from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "qiaomen.mobile"
    label = "mobile"
    verbose_name = "Phone app"

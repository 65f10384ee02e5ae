from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The living demo street. It depends on every domain; no domain imports it."""

    name = "qiaomen.demo"
    label = "demo"
    verbose_name = _("Demo")

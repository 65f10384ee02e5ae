from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "qiaomen.participation"
    label = "participation"
    verbose_name = _("Participation and resources")

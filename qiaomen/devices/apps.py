from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "qiaomen.devices"
    label = "devices"
    verbose_name = _("Devices and emergencies")

    def ready(self) -> None:
        # The rights erasure (tickets layer) cannot import this domain: it sends a signal.
        from qiaomen.devices.erasure import on_person_erased
        from qiaomen.tickets.rights.erasure import person_erased

        person_erased.connect(on_person_erased, dispatch_uid="devices.incidents_erase")

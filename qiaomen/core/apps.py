from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qiaomen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        import qiaomen.core.id_lists  # noqa: F401  (registers the any_of lookup)
        from qiaomen.core.cache_table import cache_table_create

        post_migrate.connect(cache_table_create, sender=self, dispatch_uid="qiaomen.core.cache_table")

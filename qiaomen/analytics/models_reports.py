"""Reports kept for download: the monthly bulletin (月通报) that the periodic job writes on the
first working day of each month, one file per street, period and format.

The file is kept in the row (a bulletin is tens of kilobytes): it travels with the database's
backups and needs no media directory. Reports hold aggregates only (SECURITY.md line 19).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.places.models import Street


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly bulletin")
    QUARTERLY = "quarterly", _("Quarterly assessment")
    YEARLY = "yearly", _("Yearly awards ranking")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", pgettext_lazy("reports", "Excel")
    PDF = "pdf", pgettext_lazy("reports", "PDF (print)")


class Report(models.Model):
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(pgettext_lazy("reports", "kind"), max_length=16, choices=ReportKind.choices)
    # The period as analytics.periods labels it: 2026-11.
    period_label = models.CharField(pgettext_lazy("reports", "period"), max_length=32)
    format = models.CharField(pgettext_lazy("reports", "format"), max_length=8, choices=ReportFormat.choices)
    filename = models.CharField(pgettext_lazy("reports", "file name"), max_length=200)
    content = models.BinaryField()
    generated_at = models.DateTimeField(pgettext_lazy("reports", "generated at"))
    # None: written by the periodic job.
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = pgettext_lazy("reports", "report")
        ordering = ["-period_label", "kind", "format"]
        constraints = [
            models.UniqueConstraint(fields=["street", "kind", "period_label", "format"], name="report_one_per_period")
        ]

    def __str__(self) -> str:
        return self.filename

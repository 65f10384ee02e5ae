"""The analytics app's tables. Here, what the analysis keeps: each forecast run with the accuracies
its back-test measured, and its predictions per grid, category and month (the back-test months and
the month ahead). The kept reports live in models_reports, imported below so Django finds them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiaomen.analytics.models_reports import Report, ReportFormat, ReportKind
from qiaomen.places.models import Grid
from qiaomen.tickets.models import Category

__all__ = ["CoverageSnapshot", "ForecastRun", "ForecastValue", "Report", "ReportFormat", "ReportKind", "method_labels"]

METHOD_LABELS = {
    "holt_winters": pgettext_lazy("analysis", "Holt-Winters on each category's street total"),
    "seasonal_totals": pgettext_lazy("analysis", "each category's street total of the same month a year before"),
    "smoothing": pgettext_lazy("analysis", "exponential smoothing of each category's street total"),
    "seasonal_naive": pgettext_lazy("analysis", "seasonal naive (the same month a year before)"),
    "naive": pgettext_lazy("analysis", "last known month's value (less than a year of history)"),
}


def method_labels(codes: Iterable[str]) -> str:
    """The methods' names, translated, in a stable order."""
    return "; ".join(str(METHOD_LABELS.get(code, code)) for code in sorted(codes) if code)


class ForecastRun(models.Model):
    made_at = models.DateTimeField(_("made at"))
    horizon = models.DateField(_("forecast month"))  # its first day
    # Comma-separated method codes (METHOD_LABELS): what the back-test and the forecast used.
    model_name = models.CharField(pgettext_lazy("analysis", "model"), max_length=100)
    baseline_name = models.CharField(pgettext_lazy("analysis", "baseline"), max_length=100)
    # 1 − WAPE over every series and back-test month; None when nothing could be measured.
    model_accuracy = models.FloatField(_("model accuracy"), null=True)
    baseline_accuracy = models.FloatField(_("baseline accuracy"), null=True)
    folds = models.PositiveSmallIntegerField(_("back-test months"))
    series = models.PositiveIntegerField(pgettext_lazy("analysis", "series"))
    history_months = models.PositiveSmallIntegerField(_("months of history"))
    seconds = models.FloatField(pgettext_lazy("analysis", "seconds"))

    class Meta:
        verbose_name = _("forecast run")
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.horizon:%Y-%m} @ {self.made_at:%Y-%m-%d %H:%M}"

    @property
    def measured(self) -> bool:
        return self.model_accuracy is not None and self.baseline_accuracy is not None

    @property
    def model_label(self) -> str:
        return method_labels(self.model_name.split(","))

    @property
    def baseline_label(self) -> str:
        return method_labels(self.baseline_name.split(","))


class ForecastValue(models.Model):
    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="values")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day
    predicted = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "grid", "category", "month"], name="forecast_value_once"),
        ]
        indexes = [models.Index(fields=["run", "month"])]


class CoverageSnapshot(models.Model):
    """The special-group coverage of one current period (month, quarter or year), counted by grid
    by a job (analytics.coverage_snapshots): what the command centre reads instead of counting
    every household of the street on each page view."""

    start = models.DateTimeField(_("period start"))
    end = models.DateTimeField(_("period end"))  # exclusive
    counted_at = models.DateTimeField(_("counted at"))  # when the count began
    # {"grid id": [special households, of them visited]}, every grid with a special household.
    by_grid = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("coverage snapshot")
        constraints = [models.UniqueConstraint(fields=["start", "end"], name="coverage_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d} @ {self.counted_at:%Y-%m-%d %H:%M}"

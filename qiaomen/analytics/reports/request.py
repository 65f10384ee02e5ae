"""What a report is asked for: its kind, its period and its format, checked together."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from qiaomen.analytics.models_reports import ReportFormat, ReportKind
from qiaomen.analytics.periods import ReportPeriod, Span, period_parse
from qiaomen.core.errors import InvalidInput

SPAN_OF_KIND = {ReportKind.MONTHLY: Span.MONTH, ReportKind.QUARTERLY: Span.QUARTER, ReportKind.YEARLY: Span.YEAR}
# How each kind's period is written, for the error that names it.
PERIOD_EXAMPLE = {ReportKind.MONTHLY: "2026-11", ReportKind.QUARTERLY: "2026Q4", ReportKind.YEARLY: "2026"}


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    period: ReportPeriod
    format: ReportFormat


def report_request(*, kind: str, period: str, format: str) -> ReportRequest:
    """The request, or InvalidInput naming what is wrong: an unknown kind or format, a period
    that is no period, or one of another length than the kind's (a monthly bulletin of 2026Q4)."""
    if kind not in ReportKind.values:
        raise InvalidInput(
            "report_kind",
            _("Unknown report kind %(kind)s: choose monthly, quarterly or yearly.") % {"kind": kind},
        )
    if format not in ReportFormat.values:
        raise InvalidInput(
            "report_format", _("Unknown report format %(format)s: choose xlsx or pdf.") % {"format": format}
        )
    report_kind = ReportKind(kind)
    example = PERIOD_EXAMPLE[report_kind]
    try:
        parsed = period_parse(period)
    except ValueError:
        parsed = None
    if parsed is None or parsed.span != SPAN_OF_KIND[report_kind]:
        raise InvalidInput(
            "report_period",
            _("%(period)s is not a period of a %(kind)s; write it like %(example)s.")
            % {"period": period, "kind": report_kind.label, "example": example},
        )
    return ReportRequest(report_kind, parsed, ReportFormat(format))

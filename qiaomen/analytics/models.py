"""The analytics app's tables; each part keeps its models in its own module."""

from __future__ import annotations

from qiaomen.analytics.models_reports import Report, ReportFormat, ReportKind

__all__ = ["Report", "ReportFormat", "ReportKind"]

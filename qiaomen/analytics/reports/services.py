"""Rendering reports for a user or a street, and keeping the monthly bulletin.

A report covers the places of whoever asks (place_scope): the street for a street admin or a
supervisor, their community for a community's staff. The kept bulletins cover a whole street and
are written by the periodic job (analytics.tasks) on the first working day of each month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import PlaceScope, place_scope, streets_scope
from qiaomen.analytics.models_reports import Report, ReportFormat, ReportKind
from qiaomen.analytics.periods import ReportPeriod, Span, add_months, period_of
from qiaomen.analytics.reports.content import report_content
from qiaomen.analytics.reports.pdf import report_pdf
from qiaomen.analytics.reports.request import ReportRequest
from qiaomen.analytics.reports.xlsx import report_xlsx
from qiaomen.core.audit import audit_record
from qiaomen.core.spreadsheets import XLSX_CONTENT_TYPE
from qiaomen.core.workdays import CHINA, WorkdayCalendar
from qiaomen.places.models import Community, Grid, Street

CONTENT_TYPES = {ReportFormat.XLSX: XLSX_CONTENT_TYPE, ReportFormat.PDF: "application/pdf"}


@dataclass(frozen=True)
class RenderedReport:
    filename: str
    content_type: str
    content: bytes


def may_read_reports(user: User) -> bool:
    """The command centre's readers: the street's and the communities' staff and the supervisors."""
    return user.is_authenticated and user.can(Capability.VIEW_COMMAND_CENTRE)


def street_scope(street: Street) -> PlaceScope:
    """A whole street, as a street admin assigned to it sees it, with its communities named too."""
    communities = frozenset(Community.objects.filter(street=street).values_list("pk", flat=True))
    return replace(streets_scope([street.pk]), community_ids=communities)


def scope_name(scope: PlaceScope) -> str:
    """The places a report covers, by their names: the streets, else the communities, else the grids."""
    for model, ids in ((Street, scope.street_ids), (Community, scope.community_ids), (Grid, scope.grid_ids)):
        if ids:
            return "、".join(model.objects.filter(pk__in=sorted(ids)).order_by("name").values_list("name", flat=True))
    return ""


def report_render(*, request: ReportRequest, scope: PlaceScope, place_name: str, now: dt.datetime) -> RenderedReport:
    """The report's file, in the language of the documents (Simplified Chinese by default)."""
    return reports_render(
        kind=request.kind, period=request.period, formats=[request.format], scope=scope, place_name=place_name, now=now
    )[0]


def reports_render(
    *,
    kind: ReportKind,
    period: ReportPeriod,
    formats: list[ReportFormat],
    scope: PlaceScope,
    place_name: str,
    now: dt.datetime,
) -> list[RenderedReport]:
    """One report's content, counted once, written in each of `formats`."""
    with translation.override(settings.LANGUAGE_CODE):
        content = report_content(kind=kind, period=period, scope=scope, place_name=place_name, now=now)
        rendered = []
        for report_format in formats:
            body = report_xlsx(content) if report_format == ReportFormat.XLSX else report_pdf(content)
            filename = f"{content.title.replace(' ', '_')}.{report_format}"
            rendered.append(RenderedReport(filename, CONTENT_TYPES[report_format], body))
    return rendered


def report_for_user(*, user: User, request: ReportRequest, http_request: HttpRequest | None = None) -> RenderedReport:
    """A report over the user's places; the download is audited like every export."""
    scope = place_scope(user)
    rendered = report_render(request=request, scope=scope, place_name=scope_name(scope), now=timezone.now())
    audit_record(
        action="report.download",
        actor=user,
        request=http_request,
        detail={"kind": request.kind, "period": request.period.label, "format": request.format},
    )
    return rendered


def _kept_reports(user: User) -> QuerySet[Report]:
    """The one scoped query of kept bulletins: the streets the user sees whole (a community's
    staff see none: theirs cover the whole street)."""
    if not may_read_reports(user):
        return Report.objects.none()
    return Report.objects.filter(street_id__in=sorted(place_scope(user).street_ids))


def kept_reports_for_user(user: User) -> list[Report]:
    """The user's kept bulletins, newest first, without their files."""
    return list(
        _kept_reports(user).select_related("street").defer("content").order_by("-period_label", "kind", "format")
    )


def kept_report_download(*, user: User, pk: int, http_request: HttpRequest | None = None) -> RenderedReport | None:
    """A kept bulletin's file, or None outside the user's streets (the view answers 404); audited."""
    report = _kept_reports(user).filter(pk=pk).first()
    if report is None:
        return None
    audit_record(action="report.download", actor=user, request=http_request, obj=report, detail={"kept": True})
    return RenderedReport(report.filename, CONTENT_TYPES[ReportFormat(report.format)], bytes(report.content))


def first_working_day(month: ReportPeriod, calendar: WorkdayCalendar) -> dt.date:
    day = month.first_day
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def monthly_bulletins_keep(*, now: dt.datetime, calendar: WorkdayCalendar) -> list[Report]:
    """On the first working day of a month (in China, 调休 included), write and keep last month's
    bulletin of every street, as xlsx and pdf. Any other day, nothing. Idempotent: a bulletin
    already kept is left as it is, so the job may run several times that day."""
    today = now.astimezone(CHINA).date()
    if today != first_working_day(period_of(Span.MONTH, today), calendar):
        return []
    last_month = period_of(Span.MONTH, add_months(today, -1))
    kept = []
    for street in Street.objects.order_by("pk"):
        kept += _bulletins_keep(street=street, period=last_month, now=now)
    return kept


def _bulletins_keep(*, street: Street, period: ReportPeriod, now: dt.datetime) -> list[Report]:
    """The street's bulletin in each format not kept yet; the figures are counted once for both."""
    keys = {"street": street, "kind": ReportKind.MONTHLY, "period_label": period.label}
    kept_formats = set(Report.objects.filter(**keys).values_list("format", flat=True))
    missing = [report_format for report_format in ReportFormat if report_format not in kept_formats]
    if not missing:
        return []
    files = reports_render(
        kind=ReportKind.MONTHLY,
        period=period,
        formats=missing,
        scope=street_scope(street),
        place_name=street.name,
        now=now,
    )
    kept = []
    for report_format, rendered in zip(missing, files, strict=True):
        try:
            with transaction.atomic():
                kept.append(
                    Report.objects.create(
                        **keys,
                        format=report_format,
                        filename=rendered.filename,
                        content=rendered.content,
                        generated_at=now,
                    )
                )
        except IntegrityError:  # another run kept it meanwhile
            pass
    return kept

"""The reports page (R-ANA-6): pick a kind, a period and a format and download the report of
your places; the kept monthly bulletins of your street are listed for download. Street admins,
community staff (their community only) and supervisors; everyone else gets 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qiaomen.accounts.models import User
from qiaomen.analytics.periods import Span, add_months, period_of
from qiaomen.analytics.reports.services import (
    RenderedReport,
    kept_report_download,
    kept_reports_for_user,
    may_read_reports,
    report_for_user,
)
from qiaomen.web.reports.forms import ReportForm
from qiaomen.web.shared.views import current_user, download, staff_page


def _reader(request: HttpRequest) -> User:
    user = current_user(request)
    if not may_read_reports(user):
        raise PermissionDenied
    return user


def _page(request: HttpRequest, user: User, form: ReportForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "kept": kept_reports_for_user(user)}
    return render(request, "web/reports/index.html", context, status=status)


def _file(rendered: RenderedReport) -> HttpResponse:
    return download(rendered.content, filename=rendered.filename, content_type=rendered.content_type)


@staff_page
def reports_page(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    last_month = period_of(Span.MONTH, add_months(timezone.localdate(), -1))
    form = ReportForm(initial={"kind": "monthly", "period": last_month.label, "format": "xlsx"})
    return _page(request, user, form)


@staff_page
def report_download(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form = ReportForm(request.GET)
    if not form.is_valid():
        return _page(request, user, form, status=422)
    return _file(report_for_user(user=user, request=form.request, http_request=request))


@staff_page
def kept_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    rendered = kept_report_download(user=user, pk=pk, http_request=request)
    if rendered is None:
        raise Http404
    return _file(rendered)

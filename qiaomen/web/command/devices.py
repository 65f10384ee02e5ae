"""The command centre's devices and emergencies (R-DEV-1, R-DEV-2): the devices' figures of the
period as cards, each number linking to the rows it counts, and that list of rows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import place_scope
from qiaomen.analytics.periods import ReportPeriod
from qiaomen.core.errors import InvalidInput
from qiaomen.devices.figures import AlarmRows, DeviceFigures, alarm_rows, offline_devices
from qiaomen.web.command.cells import period_from
from qiaomen.web.shared.views import paginate, staff_page, user_with

RECORDS_PER_PAGE = 50
OFFLINE = "offline"
LIST_TITLES = {
    AlarmRows.ALARMS: pgettext_lazy("devices figures", "Device alarms"),
    AlarmRows.ACKNOWLEDGED: pgettext_lazy("devices figures", "Device alarms acknowledged"),
    AlarmRows.CLIMBED: pgettext_lazy("devices figures", "Alarms raised past the grid worker"),
    OFFLINE: pgettext_lazy("devices figures", "Devices offline now"),
}


def duration_text(seconds: float | None) -> str:
    """A time to acknowledge as the page shows it; "—" when nothing was measured."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return pgettext("devices figures", "%(seconds)s s") % {"seconds": round(seconds)}
    return pgettext("devices figures", "%(minutes)s min") % {"minutes": f"{seconds / 60:.1f}"}


def device_records_url(rows: str, period: ReportPeriod) -> str:
    return f"{reverse('web:command_devices')}?{urlencode({'rows': rows, 'period': period.label})}"


def device_cards(figures: DeviceFigures, period: ReportPeriod) -> list[dict[str, Any]]:
    """Each figure: its text, what it is counted over (`count`, the rows its link lists)."""
    measured = pgettext("devices figures", "over %(count)s acknowledged alarms") % {"count": figures.acknowledged}
    acknowledged_url = device_records_url(AlarmRows.ACKNOWLEDGED, period)
    return [
        {
            "code": "alarms",
            "label": LIST_TITLES[AlarmRows.ALARMS],
            "text": str(figures.alarms),
            "count": figures.alarms,
            "parts": "",
            "url": device_records_url(AlarmRows.ALARMS, period),
        },
        {
            "code": "ack_median",
            "label": pgettext_lazy("devices figures", "Median time to acknowledge"),
            "text": duration_text(figures.median_seconds),
            "count": figures.acknowledged,
            "parts": measured,
            "url": acknowledged_url,
        },
        {
            "code": "ack_p95",
            "label": pgettext_lazy("devices figures", "95th percentile time to acknowledge"),
            "text": duration_text(figures.p95_seconds),
            "count": figures.acknowledged,
            "parts": measured,
            "url": acknowledged_url,
        },
        {
            "code": "climbed",
            "label": LIST_TITLES[AlarmRows.CLIMBED],
            "text": str(figures.climbed),
            "count": figures.climbed,
            "parts": "",
            "url": device_records_url(AlarmRows.CLIMBED, period),
        },
        {
            "code": "offline",
            "label": LIST_TITLES[OFFLINE],
            "text": str(figures.offline),
            "count": figures.offline,
            "parts": pgettext("devices figures", "now, whatever the period"),
            "url": device_records_url(OFFLINE, period),
        },
    ]


@staff_page
def device_records(request: HttpRequest) -> HttpResponse:
    """The alarms or the devices behind one device figure of the command centre, a page at a time."""
    user = user_with(request, Capability.VIEW_COMMAND_CENTRE)
    rows = request.GET.get("rows", "")
    if rows not in LIST_TITLES:
        raise InvalidInput("records_invalid", _("Open the records from a number of the command centre."))
    period = period_from(request.GET.dict())
    scope = place_scope(user)
    if rows == OFFLINE:
        items: Any = offline_devices(scope=scope).select_related("household__building__grid__community")
    else:
        items = alarm_rows(scope=scope, start=period.start, end=period.end, rows=AlarmRows(rows)).select_related(
            "ticket", "device__household__building__grid__community"
        )
    context = {
        "title": LIST_TITLES[rows],
        "period": period,
        "devices": rows == OFFLINE,
        "page": paginate(request, items, RECORDS_PER_PAGE),
        "may_view_devices": user.can(Capability.VIEW_DEVICES),
    }
    return render(request, "web/command/device_records.html", context)

"""The devices' staff pages: the list and detail of the devices of the user's places (VIEW_DEVICES:
grid workers, community staff, street admin), registering and retiring one (MANAGE_DEVICES).
Records come only through the scoped helpers (404 outside the user's places). Whoever sees a
device acknowledges its open alarm and records arrival on site (POST buttons on its page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qiaomen.accounts.roles import Capability
from qiaomen.devices.acknowledgements import ack_acknowledge, ack_on_site
from qiaomen.devices.models.devices import DeviceStatus
from qiaomen.devices.registration import DeviceData, device_register, device_retire
from qiaomen.devices.scope import device_ack_open, device_for_user, devices_for_user
from qiaomen.devices.selectors import device_open_tickets
from qiaomen.web.devices.forms import AckForm, DeviceForm, RetireForm
from qiaomen.web.shared.views import staff_page, user_with

RECENT_EVENTS = 30
PAGE = 200


@staff_page
def device_list(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.VIEW_DEVICES)
    status = request.GET.get("status", "")
    rows = devices_for_user(user).select_related("vendor", "household__building__grid", "grid_worker")
    if status in DeviceStatus.values:
        rows = rows.filter(status=status)
    context = {
        "rows": rows.order_by("status", "household__building__grid__code", "serial")[:PAGE],
        "statuses": DeviceStatus.choices,
        "status": status,
        "may_manage": user.can(Capability.MANAGE_DEVICES),
    }
    return render(request, "web/devices/list.html", context)


@staff_page
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.VIEW_DEVICES)
    device = device_for_user(user, pk)
    events = device.events.select_related("ticket")[:RECENT_EVENTS]
    tickets = device_open_tickets(device)
    context = {
        "device": device,
        "events": events,
        "tickets": tickets,
        "backups": device.backup_contacts.all(),
        "may_manage": user.can(Capability.MANAGE_DEVICES) and device.status != DeviceStatus.RETIRED,
        "retire_form": RetireForm(initial={"version": device.version}),
        "ack": device_ack_open(device),
    }
    return render(request, "web/devices/detail.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def device_new(request: HttpRequest) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_DEVICES)
    form = DeviceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        device = device_register(
            user=user,
            data=DeviceData(
                vendor=data["vendor"],
                serial=data["serial"],
                kind=data["kind"],
                household=data["household"],
                person=data["person"],
                grid_worker=data["grid_worker"],
                backup_contacts=list(data["backup_contacts"]),
            ),
            request=request,
        )
        return redirect("web:device_detail", device.pk)
    return render(request, "web/devices/form.html", {"form": form}, status=422 if form.errors else 200)


@staff_page
@require_POST
def device_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_with(request, Capability.MANAGE_DEVICES)
    device = device_for_user(user, pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return redirect("web:device_detail", device.pk)
    device.version = form.cleaned_data["version"]  # the version the page showed: a change since is a Conflict
    device_retire(user=user, device=device, reason=form.cleaned_data["reason"], request=request)
    return redirect("web:device_detail", device.pk)


def _ack_post(request: HttpRequest, pk: int, *, arrived: bool) -> HttpResponse:
    user = user_with(request, Capability.VIEW_DEVICES)
    device = device_for_user(user, pk)
    ack = device_ack_open(device)
    form = AckForm(request.POST)
    if ack is None or not form.is_valid():
        return redirect("web:device_detail", device.pk)
    ack.version = form.cleaned_data["version"]
    if arrived:
        ack_on_site(ack=ack, user=user)
    else:
        ack_acknowledge(ack=ack, user=user)
    return redirect("web:device_detail", device.pk)


@staff_page
@require_POST
def device_ack_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ack_post(request, pk, arrived=False)


@staff_page
@require_POST
def device_on_site_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _ack_post(request, pk, arrived=True)

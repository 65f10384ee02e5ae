"""Which devices a user sees: those serving a household of the user's places (through the
household's building and grid). One lookup helper per record, a 404 outside the user's places."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from qiaomen.accounts.models import User
from qiaomen.accounts.roles import Capability
from qiaomen.accounts.scopes import PlaceScope, place_scope
from qiaomen.devices.models.devices import Device


def devices_in_scope(scope: PlaceScope) -> QuerySet[Device]:
    return Device.objects.filter(scope.building_q("household__building__"))


def devices_for_user(user: User) -> QuerySet[Device]:
    if not user.is_authenticated or not user.can(Capability.VIEW_DEVICES):
        return Device.objects.none()
    return devices_in_scope(place_scope(user))


def device_for_user(user: User, pk: int) -> Device:
    device = (
        devices_for_user(user)
        .select_related("vendor", "household__building__grid", "person", "grid_worker")
        .filter(pk=pk)
        .first()
    )
    if device is None:
        raise Http404
    return device

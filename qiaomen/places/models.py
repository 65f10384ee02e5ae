"""The street's places: street → community → grid → building. Households live in `registry`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaomen.core.models import TimeStampedModel


class Street(TimeStampedModel):
    """A sub-district (街道). One installation usually holds one; a city holds several."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    city = models.CharField(_("city and district"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("street")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Community(TimeStampedModel):
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_name_unique_in_street")]

    def __str__(self) -> str:
        return self.name


class Grid(TimeStampedModel):
    """A grid of 300–500 households with one full-time grid worker."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("grid")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="grid_name_unique_in_community")]

    def __str__(self) -> str:
        return self.name


class Building(TimeStampedModel):
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. 3栋"))
    address = models.CharField(_("address"), max_length=200, help_text=_("e.g. 和平路12号3栋"))
    address_key = models.CharField(max_length=200, unique=True, editable=False)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("building")
        ordering = ["grid", "address_key"]

    def __str__(self) -> str:
        return self.address

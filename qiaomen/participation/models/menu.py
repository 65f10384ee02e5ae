"""The service menu (菜单式服务, R-PAR-3): partner organisations, the services they offer to each
group of residents, residents' requests for them, and the service points with their timetable.

A partner's contact is the organisation's business contact, not a resident's personal data; a
resident's request is a ticket of the tickets domain (MenuRequest only links the two), so no name,
phone or address of a resident is kept here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.accounts.models import Department
from qiaomen.core.models import TimeStampedModel
from qiaomen.places.models import Building, Community, Street


class PartnerKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital or clinic")
    SCHOOL = "school", _("school")
    COMPANY = "company", _("company")
    SOCIAL = "social", _("social organisation")


class Partner(TimeStampedModel):
    """An organisation that offers services to the street's residents. Its handling department
    receives the residents' requests for its services as tickets."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="+", verbose_name=_("street"))
    # Null: the partner serves the whole street; otherwise only this community.
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("handling department")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        ordering = ["street", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="partner_name_unique_in_street")]

    def __str__(self) -> str:
        return self.name


class MenuGroup(models.TextChoices):
    """Whom a menu entry is for; the registry's tags of each group are in menu.groups."""

    ELDERS = "elders", _("elders")
    DISABLED = "disabled", _("people with disabilities")
    CHILDREN = "children", _("children")
    FAMILIES = "families", _("families")


class MenuEntry(TimeStampedModel):
    """One service on the menu: who provides it, when, and how to ask. Offered from a day until
    it is withdrawn; a withdrawn entry stays for the requests that point at it."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="entries", verbose_name=_("partner"))
    group = models.CharField(_("group"), max_length=16, choices=MenuGroup.choices)
    title = models.CharField(_("service"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    schedule = models.CharField(_("when"), max_length=200, help_text=_("e.g. 每周二、四 9:00–11:30"))
    how_to_ask = models.CharField(
        _("how to ask"), max_length=200, help_text=_("e.g. scan the door code, or call the partner")
    )
    # The ticket sub-category a resident's request is filed under (its department is overridden
    # by the partner's handling department).
    subcategory = models.ForeignKey(
        "tickets.Subcategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("ticket category")
    )
    offered_from = models.DateTimeField(_("offered from"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("menu entry")
        verbose_name_plural = _("menu entries")
        ordering = ["group", "title", "pk"]
        indexes = [models.Index(fields=["offered_from", "withdrawn_at"])]

    def __str__(self) -> str:
        return self.title


class MenuRequest(models.Model):
    """A resident's request for a menu entry from their QR page: the ticket it became."""

    entry = models.ForeignKey(MenuEntry, on_delete=models.PROTECT, related_name="requests")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="menu_request")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("menu request")
        indexes = [models.Index(fields=["entry", "created_at"])]


class PointKind(models.TextChoices):
    STATION = "station", _("service station")
    BUILDING = "building", _("building point")
    MOBILE = "mobile", _("mobile vehicle stop")


class ServicePoint(TimeStampedModel):
    """A place where residents are served, with its weekly timetable: on the weekdays listed
    (ISO numbers 1 = Monday … 7 = Sunday), from opens_at to closes_at, between opened_on and
    closed_on. A mobile vehicle is one point per stop, each with its own days and coordinates."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PointKind.choices)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    weekdays = models.CharField(
        _("weekdays"), max_length=7, help_text=_("ISO weekday numbers, e.g. 135 = Mon, Wed, Fri")
    )
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True, help_text=_("first day it no longer opens"))

    class Meta:
        verbose_name = _("service point")
        ordering = ["community", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="service_point_hours_in_order", condition=Q(opens_at__lt=models.F("closes_at"))
            ),
        ]

    def __str__(self) -> str:
        return self.name

"""Open311 GeoReport v2 clients and the requests they submitted.

An `Open311Key` is a credential for another system (a city portal, FixMyStreet): only the
SHA-256 of the key is stored, the key itself is printed once by `manage.py open311_key create`.
An `Open311Request` is what such a client sent beside the ticket it created: the location as
given, the device and account ids, and the submitter's contact, which is encrypted at rest.

Both tables were the api app's until the open311 app was split off; migration open311 0001 renamed
them (api_open311key, api_open311request) and kept every row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qiaomen.core.fields import EncryptedTextField
from qiaomen.core.models import SealedRow
from qiaomen.places.models import Street
from qiaomen.tickets.models import Ticket


class Open311Key(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # A key of one street: its jurisdiction_id is that street's code and its requests are
    # matched to that street's buildings only. Without one, the key serves the whole installation.
    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )

    class Meta:
        verbose_name = _("Open311 key")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Open311Request(SealedRow):
    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="open311_request")
    key = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="requests")
    created_at = models.DateTimeField()
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    address_string = models.CharField(max_length=500, blank=True)
    address_id = models.CharField(max_length=200, blank=True)
    device_id = models.CharField(max_length=200, blank=True)
    account_id = models.CharField(max_length=200, blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    # The submitter's contact: personal data, encrypted, never answered by GET requests.
    email = EncryptedTextField(purpose="open311_request.email")
    first_name = EncryptedTextField(purpose="open311_request.first_name")
    last_name = EncryptedTextField(purpose="open311_request.last_name")
    phone = EncryptedTextField(purpose="open311_request.phone")

    class Meta:
        verbose_name = _("Open311 request")
        # Named, so that the name no longer follows the table (it was api_open311_key_id_fdd817_idx).
        indexes = [models.Index(fields=["key", "created_at"], name="open311_request_key_created")]
        constraints = [
            # Both coordinates or neither (GeoReport v2: lat and long are sent together).
            models.CheckConstraint(
                condition=Q(lat__isnull=True, long__isnull=True) | Q(lat__isnull=False, long__isnull=False),
                name="open311_request_lat_long_together",
            )
        ]

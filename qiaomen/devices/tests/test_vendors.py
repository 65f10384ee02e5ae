"""A vendor's secret is made once, kept encrypted, signs the webhook, and a renewal ends the old one."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from qiaomen.core.errors import InvalidInput
from qiaomen.devices.models.devices import Vendor
from qiaomen.devices.signatures import Unauthenticated, webhook_signature, webhook_verify
from qiaomen.devices.vendors import vendor_create


@pytest.mark.django_db
def test_the_command_adds_a_vendor_whose_secret_signs_and_a_renewal_retires_the_old_secret() -> None:
    out = io.StringIO()
    call_command("device_vendor", "add", "--code", "acme", "--name", "Acme 手环", stdout=out)
    secret = out.getvalue().split("secret ", 1)[1].split()[0]
    vendor = Vendor.objects.get(code="acme")
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM devices_vendor WHERE id = %s", [vendor.pk])
        assert secret not in cursor.fetchone()[0]  # stored encrypted
    body = b'{"event_id": "1"}'
    now = str(int(timezone.now().timestamp()))

    def verify(nonce: str, key: str) -> Vendor:
        signature = webhook_signature(key, now, nonce, body)
        return webhook_verify(vendor_code="acme", timestamp=now, nonce=nonce, signature=signature, body=body)

    assert verify("n-000001", secret) == vendor

    renewed = io.StringIO()
    call_command("device_vendor", "renew", "--code", "acme", stdout=renewed)
    with pytest.raises(Unauthenticated) as refused:
        verify("n-000002", secret)
    assert refused.value.code == "bad_signature"
    with pytest.raises(CommandError, match="vendor_code_taken"):
        call_command("device_vendor", "add", "--code", "acme", "--name", "again", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_bad_code_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        vendor_create(name="x", code="Not a code!")
    assert raised.value.code == "code_invalid"
    assert not Vendor.objects.exists()

"""The server's long-lived objects are frozen out of the garbage collector's full passes: once
the application is loaded, and once after its first request (qiaomen.core.gc_freeze)."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished
from django.test import Client
from django.urls import reverse

from qiaomen.core import gc_freeze


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()
    request_finished.disconnect(dispatch_uid=gc_freeze._DISPATCH_UID)


@pytest.mark.django_db
def test_the_first_request_freezes_what_lives_on_and_later_requests_do_not(unfrozen: None) -> None:
    gc_freeze.freeze_after_first_request()
    assert gc.get_freeze_count() == 0
    client = Client()
    assert client.get(reverse("web:login")).status_code == 200
    frozen = gc.get_freeze_count()
    assert frozen > 0
    gc.unfreeze()
    client.get(reverse("web:login"))
    assert gc.get_freeze_count() == 0  # once per process: the second request freezes nothing


def test_loading_the_wsgi_application_freezes_and_waits_for_the_first_request(unfrozen: None) -> None:
    import qiaomen.wsgi

    gc.unfreeze()
    importlib.reload(qiaomen.wsgi)
    assert gc.get_freeze_count() > 0
    receivers = [key for key, *_ in request_finished.receivers if key[0] == gc_freeze._DISPATCH_UID]
    assert receivers

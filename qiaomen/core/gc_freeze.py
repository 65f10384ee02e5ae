"""Full garbage collections that skip what lives as long as the server process.

A worker holds about 280,000 objects that live as long as it does: Django's and our modules,
URL patterns, templates, message catalogues, the classifier's model. Python's full collection
walks every one of them each time it runs, and a page that makes many objects (the work list of
a 500-household grid) starts one every few requests: 40–100 ms added to that request, the whole
of the work list's p95 above its p50 (bench/visits_worklist.py: p95 163 ms without, 84 ms with).
gc.freeze() moves the objects alive at that moment out of the collector's reach; the objects of
later requests are collected as before.

Frozen twice: once the application is loaded (wsgi.py), and once after the first request, which
builds what Django makes lazily (the URL resolver, compiled templates, the classifier). An object
of that first request still referenced when it ends stays frozen and is never freed: a few
kilobytes, once per process.
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

_DISPATCH_UID = "qiaomen.core.gc_freeze.after_first_request"


def long_lived_objects_freeze() -> None:
    """Collect what is garbage now, then freeze the rest (it lives as long as the process)."""
    gc.collect()
    gc.freeze()


def freeze_after_first_request() -> None:
    request_finished.connect(_first_request_finished, dispatch_uid=_DISPATCH_UID)


def _first_request_finished(**_kwargs: Any) -> None:
    request_finished.disconnect(dispatch_uid=_DISPATCH_UID)
    long_lived_objects_freeze()

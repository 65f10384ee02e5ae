from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaomen.settings")
application = get_wsgi_application()

# Long-lived objects out of the collector's way (qiaomen.core.gc_freeze says why): now, and once
# more after the first request has built what Django builds lazily.
from qiaomen.core.gc_freeze import freeze_after_first_request, long_lived_objects_freeze  # noqa: E402

long_lived_objects_freeze()
freeze_after_first_request()

from __future__ import annotations

from django.urls import include, path

from qiaomen.api.devices_webhook import devices_api
from qiaomen.api.urls import api

# Under /api/ JSON with an error id, elsewhere the plain 500 page; never a traceback.
handler500 = "qiaomen.core.server_errors.server_error"

urlpatterns = [
    path("api/v1/", api.urls),
    path("devices/v1/", devices_api.urls),
    path("open311/v2/", include("qiaomen.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("qiaomen.public.urls")),
    path("", include("qiaomen.mobile.urls")),
    path("", include("qiaomen.web.urls")),
]

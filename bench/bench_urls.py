"""The app's URLs plus one endpoint that does a single INSERT, for bench/visits_post.py.

The minimal endpoint runs through the same server, middleware and database as POST /api/v1/visits,
so that the ratio of the two says what the visit endpoint's own work costs. It lives here, not in
the app: it exists only for the benchmark (bench_settings.py makes this module the URL root).
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from qiaomen.urls import urlpatterns as app_urlpatterns

PING_TABLE = "bench_ping"
PING_TABLE_SQL = f"CREATE TABLE IF NOT EXISTS {PING_TABLE} (id INTEGER PRIMARY KEY, body TEXT, received_at TEXT)"


@csrf_exempt
@require_POST
def ping(request: HttpRequest) -> JsonResponse:
    """Stores the request body as it came: one INSERT and nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PING_TABLE} (body, received_at) VALUES (%s, %s)",  # noqa: S608 (a constant name)
            [request.body.decode(), timezone.now().isoformat()],
        )
    return JsonResponse({"stored": True}, status=201)


urlpatterns: list[URLPattern | URLResolver] = [path("bench/ping", ping, name="bench_ping"), *app_urlpatterns]

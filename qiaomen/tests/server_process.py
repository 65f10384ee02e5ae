"""A second (or third) server process for the tests of limits shared between processes.

Run as `python -m qiaomen.tests.server_process METHOD PATH TIMES IP [FIELD=VALUE ...]`, with the
test database in DATABASE_URL (and REDIS_URL for the Redis cache): it loads the whole Django
application in a process of its own, sends the request TIMES times from IP through the full
middleware stack, and prints the status codes, one a line ("302" for a login that went through).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaomen.test_settings")
    import django

    django.setup()
    from django.test import Client

    method, path, times, ip, *fields = argv
    data = dict(field.split("=", 1) for field in fields)
    client = Client(REMOTE_ADDR=ip)
    send = client.post if method == "POST" else client.get
    for _ in range(int(times)):
        print(send(path, data).status_code, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

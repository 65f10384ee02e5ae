"""Benchmark: the phone app's weight and its first load on a throttled 3G connection.

    .venv/bin/python bench/phone_app.py [--households 3000] [--runs 5] [--port 8079] [--workdir DIR]

Seeds a demo street into a throwaway SQLite database, collects the static files as an
installation does, and serves it with gunicorn as `make run` does. Then prints:
1. the app's JavaScript (its three scripts and the service worker as served), each raw and
   gzipped, and the gzipped sum beside issue 16's budget of 150 kB;
2. the first load of /m/ as the busiest grid worker of the street, in Chromium with an empty
   cache on DevTools' "Fast 3G" profile (1.6 Mbit/s down, 750 kbit/s up, 562.5 ms round trip,
   the profile usually meant by "3G"): time to the shell's first contentful paint and to the work
   list drawn from the package (`data-ready`), p50 and max over --runs, beside the 3 s ceiling;
   and how many bytes crossed the wire for it, and the package's answer time alone, unthrottled.

Not a test: nothing asserts on time.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from pathlib import Path
from typing import Any

from command_data import static_collect
from common import HOST, bench_folder, django_setup, gunicorn_start
from common import seeded_workdir as street_seed

JS_BUDGET_KB = 150
FIRST_LOAD_CEILING_S = 3.0
# DevTools' "Fast 3G": bytes per second and the added round trip.
THREE_G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
SCRIPTS = ("mobile/app.js", "mobile/vault.js", "mobile/queue.js")


def script_sizes(base: str) -> list[tuple[str, int, int]]:
    """(name, raw bytes, gzipped bytes) of each script the app loads, as served."""
    import urllib.request

    from django.templatetags.static import static

    sizes = []
    for name, url in [*((name, static(name)) for name in SCRIPTS), ("sw.js (served)", "/sw.js")]:
        with urllib.request.urlopen(base + url) as response:  # noqa: S310 - our own server on localhost
            body = response.read()
        sizes.append((name, len(body), len(gzip.compress(body, 9))))
    return sizes


def busiest_worker() -> Any:
    from django.db.models import Count

    from qiaomen.accounts.models import User
    from qiaomen.accounts.roles import Role

    return (
        User.objects.filter(role=Role.GRID_WORKER, is_active=True, places__grid__isnull=False)
        .annotate(households=Count("places__grid__buildings__households"))
        .order_by("-households")
        .first()
    )


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    from qiaomen.testing import sign_in

    client = sign_in(Client(), user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def package_times(base: str, cookie: str, runs: int) -> list[float]:
    """Seconds for the package answer alone, unthrottled: the server's share of a first load."""
    import urllib.request

    from django.conf import settings

    spent = []
    for _ in range(runs):
        request = urllib.request.Request(  # noqa: S310 - our own server on localhost
            base + "/api/v1/phone/package",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Accept-Encoding": "gzip"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:  # noqa: S310 - our own server on localhost
            response.read()
        spent.append(time.perf_counter() - started)
    return sorted(spent)


def first_loads(base: str, cookie: str, runs: int) -> list[dict[str, float]]:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from qiaomen.web.tests.test_browser_visit import CHROMIUM, CHROMIUM_FLAGS

    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", THREE_G)
                received: list[int] = []
                cdp.on("Network.loadingFinished", lambda event, into=received: into.append(event["encodedDataLength"]))
                started = time.perf_counter()
                page.goto(base + "/m/", wait_until="commit")
                page.wait_for_selector("body[data-ready='true']", timeout=60_000)
                ready = time.perf_counter() - started
                paint = page.evaluate(
                    "() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
                )
                households = page.locator("#households li").count()
                loads.append(
                    {"ready": ready, "paint": (paint or 0) / 1000, "bytes": sum(received), "households": households}
                )
                context.close()
        finally:
            browser.close()
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8079)
    parser.add_argument("--workdir", type=Path)
    options = parser.parse_args()
    with bench_folder(options.workdir, name="phone") as workdir:
        street_seed(workdir, households=options.households)
        django_setup(workdir)
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)  # as `make run` does: sessions' limits live there
        static_collect()
        server = gunicorn_start(workdir, options.port, 2)
        base = f"http://{HOST}:{options.port}"
        try:
            sizes = script_sizes(base)
            print("the app's JavaScript, as served (raw / gzipped):")
            for name, raw, packed in sizes:
                print(f"  {name:<16} {raw / 1024:6.1f} kB / {packed / 1024:5.1f} kB")
            total = sum(packed for _name, _raw, packed in sizes) / 1024
            verdict = "within" if total < JS_BUDGET_KB else "OVER"
            print(f"  gzipped in all: {total:.1f} kB (budget {JS_BUDGET_KB} kB) -> {verdict}")
            worker = busiest_worker()
            cookie = session_cookie(worker)
            package = package_times(base, cookie, options.runs)
            loads = first_loads(base, cookie, options.runs)
        finally:
            server.terminate()
            server.wait()
        ready = sorted(load["ready"] for load in loads)
        paint = sorted(load["paint"] for load in loads)
        print(
            f"first load of /m/ as {worker.get_username()} ({loads[0]['households']} households on the list), "
            f"empty cache, Fast 3G, {options.runs} runs:"
        )
        print(f"  first contentful paint: p50 {statistics.median(paint):.2f} s, max {paint[-1]:.2f} s")
        print(f"  work list drawn:        p50 {statistics.median(ready):.2f} s, max {ready[-1]:.2f} s")
        print(f"  bytes over the wire:    {statistics.median(load['bytes'] for load in loads) / 1024:.0f} kB")
        print(
            f"  of which the server's answer of the package, unthrottled: "
            f"p50 {statistics.median(package):.2f} s, max {package[-1]:.2f} s"
        )
        verdict = "within" if ready[-1] < FIRST_LOAD_CEILING_S else "OVER"
        print(f"ceiling: work list drawn within {FIRST_LOAD_CEILING_S:.0f} s on 3G -> {verdict}")


if __name__ == "__main__":
    main()

"""Benchmark: POST /api/v1/visits with 8 concurrent clients under gunicorn, beside a one-INSERT endpoint.

    .venv/bin/python bench/visits_post.py [--clients 8] [--requests 600] [--seconds 30]
        [--workers 3] [--port 8077] [--workdir DIR]

Seeds a demo street (about 8 grids) into a throwaway SQLite database, gives each client a grid
worker of its own grid, and starts gunicorn as `make run` does (qiaomen.wsgi, a few workers, on
127.0.0.1) but with bench/bench_settings.py, which adds bench/bench_urls.py's minimal endpoint
(one INSERT, nothing else). Each client takes a Bearer token from POST /api/v1/auth/token, then
sends up to --requests requests to each endpoint (for at most --seconds each), in three rounds
that alternate the minimal endpoint and fresh visits (a new client_uuid each) for households of
its grid. Prints requests per second and
p95 latency for both, and the ratio (aim: the visit endpoint ≥ 50 % of the minimal one).
Loopback traffic only. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from common import HOST, ROOT, bench_folder, django_setup, gunicorn_start, percentile, seeded_workdir, threads_run
from figures import Figure, figure_record, under_limit

SHANGHAI = ZoneInfo("Asia/Shanghai")
AIM_RATIO = 0.50
P95_CEILING_MS = 150.0
SEED_HOUSEHOLDS = 3000  # about 8 grids of 300–500 households: one grid per client
ROUNDS = 3  # turns each endpoint takes, alternating with the other


@dataclass
class Client:
    username: str
    household_ids: list[int]
    token: str = ""


@dataclass
class Load:
    """What one endpoint did under the clients: latencies of the answers it was meant to give."""

    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)  # status → count
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, expected: int, spent_ms: float) -> None:
        with self.lock:
            if status == expected:
                self.latencies_ms.append(spent_ms)
            else:
                self.failures[status] = self.failures.get(status, 0) + 1

    def add(self, other: Load) -> None:
        """Another round of the same endpoint."""
        self.seconds += other.seconds
        self.latencies_ms.extend(other.latencies_ms)
        for status, count in other.failures.items():
            self.failures[status] = self.failures.get(status, 0) + count

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        return percentile(sorted(self.latencies_ms), 0.95) if self.latencies_ms else float("nan")


def clients_prepare(count: int, password: str) -> list[Client]:
    """A grid worker of each of `count` grids (created here, with a known password), and the
    households of their grid; the table of the minimal endpoint."""
    from bench_urls import PING_TABLE_SQL
    from django.db import connection

    from qiaomen.accounts.roles import Role
    from qiaomen.places.models import Grid
    from qiaomen.registry.models import Household
    from qiaomen.testing import make_user

    with connection.cursor() as cursor:
        cursor.execute(PING_TABLE_SQL)
    grids = list(Grid.objects.order_by("pk"))
    clients = []
    for number in range(count):
        grid = grids[number % len(grids)]  # fewer grids than clients: some share a grid
        user = make_user(f"bench_post_{number}", Role.GRID_WORKER, places=(grid,))
        user.set_password(password)
        user.save(update_fields=["password"])
        ids = list(Household.objects.filter(building__grid=grid).values_list("pk", flat=True))
        clients.append(Client(user.username, ids))
    connection.close()
    return clients


def request(port: int, method: str, path: str, body: dict[str, object], token: str = "") -> tuple[int, bytes]:
    """One request on a connection of its own (gunicorn's sync workers close after each answer)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body, ensure_ascii=False).encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def server_start(workdir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """gunicorn with bench_settings, which adds bench_urls.py's minimal endpoint."""
    # WhiteNoise warns at start when STATIC_ROOT is missing; the API serves no assets.
    (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)
    environment = {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    }
    return gunicorn_start(workdir, port, workers, environment=environment, options=("--forwarded-allow-ips=",))


def load_run(
    clients: list[Client],
    send: Callable[[Client, int], int],
    expected: int,
    *,
    requests: int,
    seconds: float,
) -> Load:
    """Every client sends up to `requests` requests at once with the others, for at most `seconds`."""
    load = Load()
    deadline = time.monotonic() + seconds

    def client_loop(client: Client) -> None:
        for number in range(requests):
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            status = send(client, number)
            load.record(status, expected, (time.perf_counter() - started) * 1000)

    load.seconds = threads_run(len(clients), lambda index: client_loop(clients[index]))
    return load


def visit_body(client: Client, rng: random.Random) -> dict[str, object]:
    return {
        "client_uuid": str(uuid.uuid4()),
        "household_id": rng.choice(client.household_ids),
        "visited_at": dt.datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "outcome": "met",
        "answers": {"health": "良好", "safety": "安全"},
        "demands": [],
    }


def report(label: str, load: Load) -> None:
    failed = f", not as expected: {load.failures}" if load.failures else ""
    print(
        f"  {label:<34} {load.rate:7.1f} req/s  p95 {load.p95:7.1f} ms  "
        f"({len(load.latencies_ms)} in {load.seconds:.1f} s{failed})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=600, help="per client and endpoint, over all rounds")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most, per endpoint, over all rounds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (make run's default)")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--workdir", type=Path, help="keep the database here (default: a temporary folder)")
    options = parser.parse_args()
    with bench_folder(options.workdir, name="post") as workdir:
        seeded_workdir(workdir, households=SEED_HOUSEHOLDS)
        django_setup(workdir)
        from qiaomen.testing import PASSWORD

        clients = clients_prepare(options.clients, PASSWORD)
        server = server_start(workdir, options.port, options.workers)
        try:
            for client in clients:
                status, body = request(
                    options.port, "POST", "/api/v1/auth/token", {"username": client.username, "password": PASSWORD}
                )
                if status != 200:
                    raise SystemExit(f"no token for {client.username}: {status} {body[:200]!r}")
                client.token = json.loads(body)["token"]
            rng = random.Random(1)
            print(
                f"gunicorn, {options.workers} workers on {HOST}:{options.port}; {options.clients} clients, "
                f"up to {options.requests} requests each for at most {options.seconds:.0f} s"
            )

            def ping(client: Client, _number: int) -> int:
                return request(options.port, "POST", "/bench/ping", visit_body(client, rng), client.token)[0]

            def visit(client: Client, _number: int) -> int:
                return request(options.port, "POST", "/api/v1/visits", visit_body(client, rng), client.token)[0]

            # The two endpoints take turns, ROUNDS times each, so that a slower spell of the
            # machine (another process, a disk flush) weighs on both: measured one after the
            # other, the one-INSERT view's few seconds gave 654 and 1,423 req/s in two runs.
            minimal, visits = Load(), Load()
            for _round in range(ROUNDS):
                share = max(options.requests // ROUNDS, 1)
                limit = options.seconds / ROUNDS
                minimal.add(load_run(clients, ping, 201, requests=share, seconds=limit))
                visits.add(load_run(clients, visit, 201, requests=share, seconds=limit))
        finally:
            server.terminate()
            server.wait(timeout=30)
        report("POST /bench/ping (one INSERT)", minimal)
        report("POST /api/v1/visits", visits)
        ratio = visits.rate / minimal.rate if minimal.rate else 0.0
        flag = "" if ratio >= AIM_RATIO else f"  (under the {AIM_RATIO:.0%} aim)"
        print(f"  visits / minimal: {ratio:.0%}{flag}")
        figure_record(
            Figure(
                work="POST /api/v1/visits",
                value=visits.rate,
                unit="req/s",
                ceiling=minimal.rate,
                ceiling_label="one-INSERT view, same server",
                goal=f">= {AIM_RATIO:.0%} of ceiling",
                met=ratio >= AIM_RATIO,
            )
        )
        figure_record(under_limit("POST /api/v1/visits p95", visits.p95, "ms", P95_CEILING_MS))


if __name__ == "__main__":
    main()

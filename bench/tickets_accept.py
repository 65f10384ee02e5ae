"""Benchmark: ticket accepts through the real server, and the escalation sweep over 200,000 tickets.

    .venv/bin/python bench/tickets_accept.py [--tickets 2000] [--clients 8] [--workers 4]
                                             [--port 8078] [--sweep-tickets 200000]

1. Accept throughput. Seeds a small demo street into a throwaway SQLite database, creates
   `--tickets` routed 老年助餐 tickets (→ 民政) through ticket_create, gives `--clients` handlers of
   民政 a Bearer token each, starts gunicorn on 127.0.0.1:`--port`, and lets each client POST
   /api/v1/tickets/{id}/accept for its own share of the tickets (distinct tickets: this measures
   the claim, not the 409 of a race, which the tests prove). Prints accepts/s and p50/p95.
2. Escalation sweep. With the server stopped, writes `--sweep-tickets` open tickets whose
   deadline passed a day ago (one executemany per chunk, core.bulk.BulkInsert) and times one
   qiaomen.tickets.services.escalation.escalation_sweep(now=…). Prints seconds.

Not a test: nothing asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import time

from common import (
    HOST,
    bench_folder,
    django_setup,
    gunicorn_start,
    machine,
    percentile,
    status_counts,
    street_seed,
    threads_run,
)
from figures import figure_record, under_limit

SEED_HOUSEHOLDS = 500

# Issue 17: the sweep of 200,000 overdue tickets, in the table of `make bench`.
SWEEP_CEILING_SECONDS = 30.0


def prepare_accepts(tickets: int, clients: int) -> tuple[list[int], list[str]]:
    """Routed tickets of 民政 and one Bearer token per handler of 民政."""
    from django.test import RequestFactory

    from qiaomen.accounts.models import Department, User
    from qiaomen.accounts.roles import Role
    from qiaomen.accounts.services import api_token_issue
    from qiaomen.registry.models import Household
    from qiaomen.tickets.models import Channel, Subcategory
    from qiaomen.tickets.services import ticket_create

    department = Department.objects.get(code="minzheng")
    password = "Bench-accept-2026"  # noqa: S105 (throwaway database)
    tokens = []
    for n in range(clients):
        user = User.objects.create_user(
            username=f"bench_mz{n}", password=password, role=Role.DEPARTMENT_HANDLER, department=department
        )
        # A request as the token endpoint has one: the login lock-out counts failures by address.
        request = RequestFactory().post("/api/v1/auth/token", REMOTE_ADDR="127.0.0.1")
        tokens.append(api_token_issue(username=user.username, password=password, request=request)[0])
    meals = Subcategory.objects.get(code="LIF-MEAL")
    households = list(Household.objects.select_related("building")[:tickets])
    ids = [
        ticket_create(
            channel=Channel.STAFF,
            description="独居老人想申请助餐",
            subcategory=meals,
            household=households[n % len(households)],
        ).pk
        for n in range(tickets)
    ]
    return ids, tokens


def run_accepts(port: int, ticket_ids: list[int], tokens: list[str]) -> tuple[float, list[float], dict[int, int]]:
    """Every client accepts its own share at once; (wall seconds, sorted ms, count per status)."""
    clients = len(tokens)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]

    def client(index: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[index]}", "Content-Length": "0"}
        for ticket_id in ticket_ids[index::clients]:
            # A new connection per request: gunicorn's sync workers close each one after answering.
            connection = http.client.HTTPConnection(HOST, port, timeout=60)
            started = time.perf_counter()
            connection.request("POST", f"/api/v1/tickets/{ticket_id}/accept", headers=headers)
            response = connection.getresponse()
            response.read()
            latencies[index].append((time.perf_counter() - started) * 1000)
            statuses[index][response.status] = statuses[index].get(response.status, 0) + 1
            connection.close()

    seconds = threads_run(clients, client)
    return seconds, sorted(ms for per_client in latencies for ms in per_client), status_counts(statuses)


def write_overdue_tickets(count: int) -> dt.datetime:
    """`count` routed tickets whose acceptance deadline passed a day ago; returns the sweep's now."""
    from django.db import transaction
    from django.utils import timezone

    from qiaomen.core.bulk import BulkInsert
    from qiaomen.places.models import Grid
    from qiaomen.tickets.models import Channel, Status, Subcategory, Ticket

    now = timezone.now()
    created = now - dt.timedelta(days=3)
    subcategories = list(Subcategory.objects.filter(retired=False))
    grids = list(Grid.objects.values_list("pk", flat=True))
    writer = BulkInsert(
        Ticket,
        # Encrypted values are sealed to their row: given per row, never as constants.
        varying=(
            "grid_id",
            "subcategory_id",
            "department_id",
            "priority",
            "description",
            "resolution_note",
            "suggestion",
            "callback_phone",
        ),
        constants={
            "channel": Channel.STAFF,
            "status": Status.ROUTED,
            "created_at": created,
            "routed_at": created,
            "accept_by": created + dt.timedelta(hours=2),
            "resolve_by": now - dt.timedelta(days=1),
            "escalate_after": now - dt.timedelta(days=1),
        },
    )
    with transaction.atomic():
        for n in range(count):
            subcategory = subcategories[n % len(subcategories)]
            writer.add(
                {
                    "grid_id": grids[n % len(grids)],
                    "subcategory_id": subcategory.pk,
                    "department_id": subcategory.department_id,
                    "priority": subcategory.default_priority,
                    "description": "压测工单",
                    "resolution_note": "",
                    "suggestion": {},
                    "callback_phone": "",
                }
            )
            if len(writer.queued) >= 5000:
                writer.flush()
        writer.flush()
    return now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8078)
    parser.add_argument("--sweep-tickets", type=int, default=200_000)
    options = parser.parse_args()
    with bench_folder(None, name="tickets") as workdir:
        street_seed(workdir, households=SEED_HOUSEHOLDS, seed=1)
        django_setup(workdir)
        print(f"machine: {machine()}")
        ticket_ids, tokens = prepare_accepts(options.tickets, options.clients)
        server = gunicorn_start(workdir, options.port, options.workers)
        try:
            seconds, spent, counts = run_accepts(options.port, ticket_ids, tokens)
        finally:
            server.terminate()
            server.wait(timeout=30)
        accepted = counts.get(200, 0)
        print(
            f"accept, {options.clients} clients → gunicorn ({options.workers} sync workers), SQLite: "
            f"{accepted:,} of {len(ticket_ids):,} accepted in {seconds:.1f} s = {accepted / seconds:,.0f} accepts/s; "
            f"p50 {percentile(spent, 0.5):.1f} ms, p95 {percentile(spent, 0.95):.1f} ms; answers {counts}"
        )

        from qiaomen.tickets.services.escalation import escalation_sweep

        started = time.perf_counter()
        now = write_overdue_tickets(options.sweep_tickets)
        written = time.perf_counter() - started
        started = time.perf_counter()
        result = escalation_sweep(now=now)
        swept = time.perf_counter() - started
        print(
            f"escalation sweep over {options.sweep_tickets:,} open tickets past their deadline (SQLite): "
            f"{swept:.1f} s, {result.escalated:,} escalated ({result.escalated / swept:,.0f}/s); "
            f"writing them took {written:.1f} s"
        )
        everyone_once = result.escalated == options.sweep_tickets
        work = f"escalation sweep of {options.sweep_tickets:,} overdue tickets, each once"
        figure_record(under_limit(work, swept, "s", SWEEP_CEILING_SECONDS, met=everyone_once))


if __name__ == "__main__":
    main()

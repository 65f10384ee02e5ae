"""Issue 17, periodic work on Redis: two huey consumers (`manage.py run_huey`, RedisHuey) take the
escalation sweep from one Redis queue and run it at once over the same overdue tickets; each ticket
climbs one level, once, with one escalation event, whichever consumer claimed it."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

import pytest

from qiaomen.tests.city import (
    REDIS_DB_CONSUMERS,
    Process,
    fresh_city,
    fresh_redis,
    processes,
    require_postgres_and_redis,
    run_python,
)
from qiaomen.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.slow
TICKETS = 40
SWEEPS = 24
QUEUE = "huey.redis.qiaomen"  # RedisHuey's list for the huey named "qiaomen" (settings.HUEY)
# One line per task run, with the task's id (the consumer's log handler and Django's both print it).
SWEEP_RAN = re.compile(r"Executing qiaomen\.tickets\.tasks\.escalation_sweep_every_minute: ([0-9a-f-]+)")
ENQUEUE = (
    "from qiaomen.tickets.tasks import escalation_sweep_every_minute as sweep\n"
    f"for _ in range({SWEEPS}):\n"
    "    sweep()\n"
)


def test_two_consumers_sweeping_at_once_escalate_each_overdue_ticket_once(tmp_path: Path) -> None:
    require_postgres_and_redis()
    with fresh_city(tmp_path / "var") as city, fresh_redis(REDIS_DB_CONSUMERS) as queue, processes() as started:
        made = json.loads(run_python(city.env, "-m", "qiaomen.tests.city_setup", "overdue-tickets", str(TICKETS)))
        ticket_ids: list[int] = made["ticket_ids"]
        env = city.with_redis(REDIS_DB_CONSUMERS)  # QIAOMEN_ENV=dev: a real queue, not huey's immediate mode
        # Workers, not the scheduler (deploy/qiaomen-worker@.service): the test enqueues the sweeps.
        command = ["manage.py", "run_huey", "--workers", "2", "--no-periodic"]
        consumers = [Process(name, [sys.executable, *command], env, tmp_path) for name in ("consumer-1", "consumer-2")]
        started.extend(consumers)
        for consumer in consumers:
            consumer.wait_for_line("consumer started")

        run_python(env, "manage.py", "shell", "-c", ENQUEUE)

        def swept() -> bool:
            with city.connect() as database:
                left = database.execute(
                    f"SELECT count(*) FROM {Ticket._meta.db_table} WHERE id = ANY(%s) AND escalation_level = 0",  # noqa: S608 - our table name
                    [ticket_ids],
                ).fetchone()
            return queue.llen(QUEUE) == 0 and left == (0,)

        consumers[0].wait_for(swept, "empty queue with every ticket escalated")
        # SIGINT: each consumer finishes the sweep in hand before it stops, so none is cut short.
        assert [consumer.stop(signal.SIGINT) for consumer in consumers] == [0, 0]

        ran = [set(SWEEP_RAN.findall(consumer.output())) for consumer in consumers]
        assert len(ran[0] | ran[1]) == SWEEPS and not ran[0] & ran[1], "each sweep ran once, on one consumer"
        assert ran[0] and ran[1], f"both consumers took sweeps from the one queue: {[len(r) for r in ran]}"
        with city.connect() as database:
            rows = database.execute(
                f"SELECT ticket_id, count(*) FROM {TicketEvent._meta.db_table} "  # noqa: S608 - our table name
                "WHERE action = 'escalate' GROUP BY ticket_id"
            ).fetchall()
            events = {ticket: count for ticket, count in rows}
            levels = database.execute(
                f"SELECT DISTINCT escalation_level FROM {Ticket._meta.db_table} WHERE id = ANY(%s)",  # noqa: S608
                [ticket_ids],
            ).fetchall()
        assert events == dict.fromkeys(ticket_ids, 1)
        assert levels == [(1,)]

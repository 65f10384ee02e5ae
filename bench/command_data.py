"""Bench data for the command centre: a large street with a year of visits and tickets.

    .venv/bin/python bench/command_data.py [--backend sqlite|postgresql] [--households 70000]
        [--visits 1000000] [--tickets 200000] [--seed 1] [--rebuild]

This is bench data, not the demo. `seed_demo` lives the demo year through the services so that
every rule holds; this builds a street of the requested size in a few minutes with bulk inserts
(the project's `core.bulk.BulkInsert`: encrypted values sealed to their rows, as the ORM stores
them) so that the command centre's pages can be timed at scale. The street has the demo street's
shape: its places, households, people and special-group tags come from the demo's own bulk writer
(`demo_street_create`), with one grid worker per grid and three handlers per department added;
then a year of visits (command_visits.py) and of tickets with their timelines (command_tickets.py).
Nothing here is meant to be shown to anyone as real figures.

The built street is kept under var/bench/ (gitignored), in a folder named by the sizes, the seed
and the month it was built in, so that a rerun in the same month skips the build: on SQLite the
database file and the key file its rows are encrypted with; on PostgreSQL the key file, and the
database itself (`qiaomen_bench13` unless --pg-database names another) stays on the server until
`--drop` (or --rebuild) removes it. `--rebuild` builds afresh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import time
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

from common import ROOT, django_setup

BENCH_DIR = ROOT / "var" / "bench"
MARKER = "built.json"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"
PG_DATABASE = "qiaomen_bench13"
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Sizes:
    households: int = 70_000
    visits: int = 1_000_000
    tickets: int = 200_000
    seed: int = 1


def folder_for(sizes: Sizes, backend: str, *, month: dt.date | None = None) -> Path:
    month = month or dt.date.today()
    name = f"command-{backend}-h{sizes.households}-v{sizes.visits}-t{sizes.tickets}-s{sizes.seed}-{month:%Y%m}"
    return BENCH_DIR / name


def backend_environment(backend: str, folder: Path, *, pg_database: str = PG_DATABASE) -> dict[str, str]:
    """What differs from the folder's SQLite environment (common.bench_environment) on `backend`."""
    if backend == "postgresql":
        return {"DATABASE_URL": PG_SERVER + pg_database}
    return {}


def pg_admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE or DROP DATABASE)."""
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]  # our own statement, no parameters


def street_build(sizes: Sizes, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Build the street into the migrated, empty database Django is set up against; its counts."""
    from command_tickets import TicketWriter
    from command_visits import grid_workers_create, homes_load, visits_write
    from django.db import connection, transaction
    from django.utils import timezone

    from qiaomen.demo.seed import demo_street_create
    from qiaomen.demo.users import demo_password_generate
    from qiaomen.places.models import Grid

    now = now or timezone.now()
    counts: dict[str, int] = {}
    started = time.perf_counter()
    with _loading(readable=True):
        password = demo_password_generate()
        street = demo_street_create(households=sizes.households, seed=sizes.seed, password=password)
    counts.update(street.counts)
    print(f"  street, households and people: {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:  # the street's tables are read below: plan the reads with their real sizes
        cursor.execute("ANALYZE")
    with _loading():
        with transaction.atomic():
            workers = grid_workers_create(list(Grid.objects.order_by("pk").values_list("pk", flat=True)))
        homes = homes_load()
        lap = time.perf_counter()
        # Outside a transaction on PostgreSQL, one process a core makes and writes the visits.
        alone = connection.vendor == "postgresql" and not connection.in_atomic_block
        shards = (os.cpu_count() or 1) if alone else 1
        outcomes = visits_write(homes, workers, total=sizes.visits, now=now, seed=sizes.seed + 1, shards=shards)
        counts.update({f"visits_{outcome}": n for outcome, n in outcomes.items()}, visits=sum(outcomes.values()))
        print(f"  {counts['visits']:,} visits ({shards} processes): {time.perf_counter() - lap:.0f} s", flush=True)
        lap = time.perf_counter()
        with transaction.atomic():
            writer = TicketWriter(homes, workers, now=now, seed=sizes.seed + 2)
            writer.write(sizes.tickets)
        tickets: Counter[str] = writer.counts
        counts.update({f"tickets_{status}": n for status, n in tickets.items() if status != "events"})
        counts.update(tickets=sizes.tickets, ticket_events=tickets["events"])
        print(
            f"  {sizes.tickets:,} tickets, {tickets['events']:,} events: {time.perf_counter() - lap:.0f} s", flush=True
        )
    return counts


def _bulk_tables(*, written_blind: bool = False) -> list[str]:
    """The tables a street is mostly made of; `written_blind`: only those its build fills without
    reading them back (the visits and the tickets; the street's own tables are read as it is built)."""
    from qiaomen.registry.models import DoorCode, Household, Person, PersonTag
    from qiaomen.tickets.models import Ticket, TicketEvent
    from qiaomen.visits.models import Visit

    blind = [Visit, Ticket, TicketEvent]
    return [
        model._meta.db_table for model in (blind if written_blind else [Household, Person, PersonTag, DoorCode, *blind])
    ]


def _loading(*, readable: bool = False) -> AbstractContextManager[object]:
    """On PostgreSQL the street goes in as a bulk load (pg_bulk_load): the visits and tickets with
    everything off, the street's own tables (`readable`: the demo reads them back as it writes)
    with their joins' indexes and keys on. SQLite takes the rows as they come."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return nullcontext()
    from pg_bulk_load import bulk_load

    blind = _bulk_tables(written_blind=True)
    if readable:
        return bulk_load([table for table in _bulk_tables() if table not in blind], readable=True)
    return bulk_load(blind)


def _rows_written() -> int:
    """The rows of the street's big tables (the rest are a few thousand)."""
    from django.db import connection

    quote = connection.ops.quote_name
    # The models' own table names, quoted.
    counted = " + ".join(f"(SELECT count(*) FROM {quote(table)})" for table in _bulk_tables())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counted}")
        return int(cursor.fetchone()[0])


def _analyse() -> None:
    """Fresh planner statistics, as a running installation has them (on PostgreSQL after a vacuum,
    as autovacuum leaves a table after many inserts, so that index-only scans can be used)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _migrate() -> bool:
    """Apply the migrations (and the cache table) the database lacks; whether any was applied."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # wherever migrate runs (settings.CACHES)
    return bool(pending)


def street_ready(sizes: Sizes, backend: str, *, rebuild: bool = False, pg_database: str = PG_DATABASE) -> Path:
    """Set Django up against the street of these sizes on `backend`, building it unless a built
    one is kept; the folder that holds it (and its key file)."""
    folder = folder_for(sizes, backend)
    marker = folder / MARKER
    if rebuild or not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        if backend == "postgresql":
            pg_admin(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
            pg_admin(f'CREATE DATABASE "{pg_database}"')
    folder.mkdir(parents=True, exist_ok=True)
    django_setup(folder, environment=backend_environment(backend, folder, pg_database=pg_database))
    if marker.exists():
        # A migration added since the build (an index) is applied to the kept street too.
        if _migrate():
            _analyse()
        print(f"reusing the street built in {folder}: {json.loads(marker.read_text())['counts']}")
        return folder
    print(f"building {sizes} on {backend} into {folder}", flush=True)
    started = time.perf_counter()
    _migrate()
    counts = street_build(sizes)
    _analyse()
    seconds = time.perf_counter() - started
    rows = _rows_written()
    print(f"built in {seconds:.0f} s: {counts}", flush=True)
    rate = rows / seconds
    print(f"{rows:,} rows in {seconds:.0f} s: {rate:,.0f} rows/s, {rate * 60:,.0f} a minute", flush=True)
    marker.write_text(json.dumps({"sizes": asdict(sizes), "seconds": round(seconds), "counts": counts}))
    return folder


def static_collect() -> None:
    """The pages name their assets through the manifest storage of a real installation: collect
    them into the folder's var/static, unless its manifest names every asset of the apps and is
    newer than each (collecting again takes a minute or two on a busy machine). Names as well as
    times: a street kept by another checkout has a newer manifest without this one's new files."""
    import json

    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    assets = {
        path.relative_to(static).as_posix(): path.stat().st_mtime
        for static in (ROOT / "qiaomen").glob("*/static")
        for path in static.glob("**/*")
        if path.is_file()
    }
    named = set(json.loads(manifest.read_text())["paths"]) if manifest.exists() else set()
    newest = max(assets.values(), default=0.0)
    if not set(assets) <= named or manifest.stat().st_mtime < newest:
        call_command("collectstatic", verbosity=0, interactive=False)


def street_drop(sizes: Sizes, backend: str, *, pg_database: str = PG_DATABASE) -> None:
    """Remove the kept street: its folder, and on PostgreSQL its database."""
    if backend == "postgresql":
        pg_admin(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
    shutil.rmtree(folder_for(sizes, backend), ignore_errors=True)


def sizes_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Sizes()
    parser.add_argument("--households", type=int, default=defaults.households)
    parser.add_argument("--visits", type=int, default=defaults.visits)
    parser.add_argument("--tickets", type=int, default=defaults.tickets)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--rebuild", action="store_true", help="build afresh even if a built street is kept")
    parser.add_argument("--pg-database", default=PG_DATABASE, help="the PostgreSQL database to create and use")


def sizes_from(options: argparse.Namespace) -> Sizes:
    return Sizes(options.households, options.visits, options.tickets, options.seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite")
    parser.add_argument("--drop", action="store_true", help="remove the kept street instead of building it")
    sizes_arguments(parser)
    options = parser.parse_args()
    sizes = sizes_from(options)
    if options.drop:
        street_drop(sizes, options.backend, pg_database=options.pg_database)
        return
    street_ready(sizes, options.backend, rebuild=options.rebuild, pg_database=options.pg_database)


if __name__ == "__main__":
    main()

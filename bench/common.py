"""What the benchmarks share: the machine they ran on, and a throwaway street to run against.

Each benchmark works in a folder of its own (a temporary one unless `--workdir` names one): the
SQLite database `bench.sqlite3`, and `var/` with the key file that dev settings create on first
start, so that a kept folder can be measured again without seeding it again.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "bench.sqlite3"
HOST = "127.0.0.1"  # the benchmarks' servers listen on loopback only


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = next(
            (int(line.split()[1]) for line in meminfo.read_text().splitlines() if line.startswith("MemTotal:")), 0
        )
        memory = f", {total_kib / 1024**2:.1f} GiB RAM"
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return (
        f"{os.cpu_count()} CPUs ({model}){memory}{load}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def bench_environment(workdir: Path) -> dict[str, str]:
    """Dev settings on the folder's own database and key file, whatever the caller's shell says."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"QIAOMEN_DATA_KEY", "QIAOMEN_INDEX_KEY", "QIAOMEN_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    return {
        **env,
        "QIAOMEN_ENV": "dev",
        "DATABASE_URL": f"sqlite:///{workdir / DATABASE_NAME}",
        "QIAOMEN_VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
    }


@dataclass(frozen=True)
class CommandRun:
    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    peak_mb: float
    output: str


def manage(workdir: Path, *arguments: str) -> CommandRun:
    """`manage.py ARGUMENTS` in a process of its own: wall and CPU time, its peak RSS, its output."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        cwd=ROOT,
        env=bench_environment(workdir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed ({process.returncode}):\n{output}")
    return CommandRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)  # maxrss: KiB


def street_seed(workdir: Path, *, households: int, seed: int, months: int = 0) -> CommandRun:
    """Migrate the folder's database and seed the demo street into it (by default without the demo
    year's visits and tickets: `months` of them); the seed's own run is returned."""
    workdir.mkdir(parents=True, exist_ok=True)
    manage(workdir, "migrate", "--noinput", "--verbosity", "0")
    return manage(workdir, "seed_demo", "--households", str(households), "--seed", str(seed), "--months", str(months))


def django_setup(workdir: Path, *, environment: dict[str, str] | None = None) -> None:
    """Load Django in this process against the folder's database (`environment` adds to or
    overrides bench_environment, e.g. a PostgreSQL DATABASE_URL)."""
    # Read before clearing: bench_environment starts from the caller's environment (PATH, and the
    # figures file of bench/street.py), less the keys.
    wanted = {**bench_environment(workdir), **(environment or {})}
    os.environ.clear()
    os.environ.update(wanted)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiaomen.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of values sorted ascending."""
    rank = max(1, round(share * len(sorted_values)))
    return sorted_values[rank - 1]


def timed_ms(call: Callable[[], object], count: int, *, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Milliseconds of `count` calls of `call`, sorted ascending (ready for `percentile`). With
    clock=time.process_time it is this process's CPU time, which a busy shared machine inflates
    far less than wall time (waiting for a core is not counted)."""
    spent = []
    for _ in range(count):
        started = clock()
        call()
        spent.append((clock() - started) * 1000)
    return sorted(spent)


def print_timings(label: str, spent: list[float], *, aim_ms: float) -> None:
    """One line: p50 and p95 of sorted milliseconds, flagged when p95 misses the aim."""
    p50, p95 = percentile(spent, 0.50), percentile(spent, 0.95)
    flag = "" if p95 < aim_ms else f"  (over the {aim_ms:.0f} ms aim)"
    print(f"  {label:<44} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  n={len(spent)}{flag}")


def street_copy(source: Path, workdir: Path) -> None:
    """A private copy of a seeded folder (database and key file), so that adding rows to it
    disturbs no one else measuring `source`. SQLite's backup API copies a consistent snapshot
    even while another process writes to the source (its WAL included)."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "var", workdir / "var", dirs_exist_ok=True)
    target = workdir / DATABASE_NAME
    target.unlink(missing_ok=True)
    with sqlite3.connect(source / DATABASE_NAME) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


def street_prepare(workdir: Path, *, source: Path, households: int) -> None:
    """Make `workdir` hold a street, in the cheapest way: keep the one already there, else copy
    the seeded street in `source`, else seed one; then load Django against it."""
    if (workdir / DATABASE_NAME).exists():
        print(f"reusing the street in {workdir}")
    elif (source / DATABASE_NAME).exists():
        street_copy(source, workdir)
        print(f"copied the street in {source} to {workdir}")
    else:
        seed = street_seed(workdir, households=households, seed=1)
        print(f"seeded {households} households in {seed.seconds:.1f} s into {workdir}")
    django_setup(workdir)


@contextmanager
def bench_folder(given: Path | None, *, name: str) -> Iterator[Path]:
    """The folder to work in: `given` (kept afterwards), else a new temporary one, removed at the end."""
    if given:
        yield given
        return
    workdir = Path(tempfile.mkdtemp(prefix=f"qiaomen-bench-{name}-"))
    try:
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# Outcomes as grid workers report them: most doors open; some nobody answers; a few refuse.
OUTCOME_WEIGHTS = {"met": 80, "not_home": 15, "refused": 3, "moved_out": 1, "mismatch": 1}
MET_ANSWERS_JSON = json.dumps({"health": "良好", "safety": "安全"}, ensure_ascii=False)


def visit_outcome(rng: random.Random) -> tuple[str, str, str]:
    """(outcome, answers as JSON, refusal reason) drawn from the usual mix."""
    outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    answers = MET_ANSWERS_JSON if outcome == "met" else "{}"
    return outcome, answers, "不方便" if outcome == "refused" else ""


def seeded_workdir(workdir: Path, *, households: int) -> Path:
    """The folder to work in (see bench_folder), after printing the machine and seeding a demo
    street of `households` into it."""
    print(f"machine: {machine()}")
    seed = street_seed(workdir, households=households, seed=1)
    print(f"seeded {households:,} households in {seed.seconds:.1f} s (CPU {seed.cpu_seconds:.1f} s) into {workdir}")
    return workdir


def gunicorn_start(
    workdir: Path, port: int, workers: int, *, environment: dict[str, str] | None = None, options: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """gunicorn serving qiaomen.wsgi on HOST:`port` against the folder's database (`environment`
    adds to or overrides bench_environment), once it accepts connections."""
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            raise SystemExit(f"{HOST}:{port} is taken: pass another --port")
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "qiaomen.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        *options,
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**bench_environment(workdir), **(environment or {})})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port} within 60 s")


def threads_run(count: int, client: Callable[[int], object]) -> float:
    """Run client(0) … client(count - 1) in threads of their own, all let go at once; the wall
    seconds from the start until the last one ends."""
    barrier = threading.Barrier(count + 1)

    def run(index: int) -> None:
        barrier.wait()
        client(index)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def status_counts(per_client: list[dict[int, int]]) -> dict[int, int]:
    """The count per HTTP status over all clients."""
    counts: dict[int, int] = {}
    for statuses in per_client:
        for status, count in statuses.items():
            counts[status] = counts.get(status, 0) + count
    return counts

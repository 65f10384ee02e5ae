"""What the benchmarks share: the machine they ran on, and a throwaway street to run against.

Each benchmark works in a folder of its own (a temporary one unless `--workdir` names one): the
SQLite database `bench.sqlite3`, and `var/` with the key file that dev settings create on first
start, so that a kept folder can be measured again without seeding it again.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "bench.sqlite3"


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return (
        f"{os.cpu_count()} CPUs ({model}){load}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.release()}"
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


def street_seed(workdir: Path, *, households: int, seed: int) -> CommandRun:
    """Migrate the folder's database and seed the demo street into it; the seed's own run is returned."""
    workdir.mkdir(parents=True, exist_ok=True)
    manage(workdir, "migrate", "--noinput", "--verbosity", "0")
    return manage(workdir, "seed_demo", "--households", str(households), "--seed", str(seed))


def django_setup(workdir: Path) -> None:
    """Load Django in this process against the folder's database."""
    os.environ.clear()
    os.environ.update(bench_environment(workdir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiaomen.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of values sorted ascending."""
    rank = max(1, round(share * len(sorted_values)))
    return sorted_values[rank - 1]

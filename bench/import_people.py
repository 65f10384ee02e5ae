"""Benchmark: import 100,000 people from one XLSX file, as a department would send it.

    .venv/bin/python bench/import_people.py [--rows 100000] [--seed 1] [--workdir DIR]

Seeds a demo street into a throwaway SQLite database (`seed_demo`, enough households for the
file), writes a valid XLSX of new people living there with openpyxl's write-only mode, then
measures:
- reading the same file with openpyxl read-only and with python-calamine (no validation);
- `manage.py import_people` of the file (every row a new person): rows/s and the peak memory of
  that process;
- the same people again in another file (every row compared, nothing changes): rows/s.
Prints the figures and the machine. Not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from common import DATABASE_NAME, bench_folder, django_setup, machine, manage, street_seed
from figures import Figure, figure_record, under_limit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉红梅志海燕文"
CATEGORIES = ("", "", "", "", "", "", "户籍", "流动人口", "租户", "低保户", "独居老人", "高龄老人、低保户", "残障人士")
HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "手机号码",
    "户籍地址",
    "实际居住地址",
    "人员类别",
    "备注",
]
# Not a region the demo seed uses, so that every row of the first file is a new person.
REGION = "650102"
PEOPLE_PER_HOUSEHOLD = 2.5
# Issue 17's goals for the import, beside calamine's read rate of the same file in the same run.
AIM_SHARE = 0.25
FLOOR_ROWS_PER_SECOND = 20_000
PEAK_CEILING_MB = 300.0


def python_speed() -> float:
    """CPU seconds of a 10-million-step Python loop, to compare this machine with others
    (about 0.4 s on a current desktop CPU with Python 3.11)."""
    started = time.process_time()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.process_time() - started


def household_addresses() -> list[str]:
    """Every household of the seeded street, written as its card shows it."""
    from qiaomen.registry.models import Household

    return [str(household) for household in Household.objects.select_related("building").order_by("pk")]


def spelled(address: str, rng: random.Random) -> str:
    """The same flat as departments write it: with the street's name, 号楼, full-width digits."""
    choice = rng.random()
    if choice < 0.2:
        return "幸福街道" + address
    if choice < 0.3:
        return address.replace("栋", "号楼")
    if choice < 0.4:
        return address.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return address


def people_rows(count: int, addresses: list[str], seed: int) -> list[list[object]]:
    from qiaomen.core.idnumber import make_id_number

    rng = random.Random(seed)
    rows: list[list[object]] = []
    for index in range(count):
        # 100 people per birth date; 29 is coprime with 30,000, so every hundred gets its own day.
        birth = dt.date(1935, 1, 1) + dt.timedelta(days=index // 100 * 29 % 30000)
        gender = "M" if index % 2 else "F"
        home = addresses[int(index / PEOPLE_PER_HOUSEHOLD) % len(addresses)]
        registered = home if rng.random() < 0.85 else rng.choice(("河南省郑州市中原路1号", "四川省成都市人民南路4段"))
        rows.append(
            [
                index + 1,
                rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                "男" if gender == "M" else "女",
                birth,
                make_id_number(REGION, birth, index % 100, gender),
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else "",
                registered,
                spelled(home, rng),
                rng.choice(CATEGORIES),
                "需定期随访" if rng.random() < 0.02 else "",
            ]
        )
    return rows


def xlsx_write(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def read_openpyxl(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def read_calamine(path: Path) -> int:
    import python_calamine

    return sum(1 for _ in python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())


def database_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included), through SQLite's backup API."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def sqlite_alone(imported: Path, before: Path) -> tuple[int, float]:
    """CPU seconds SQLite alone takes to write what the last import wrote (its people and their
    tags and their batch, values as stored: sealed, indexed, with provenance) into `before`, the database as it was
    before that import, with the settings the import writes with (settings.py's pragmas, the
    import's page cache, one IMMEDIATE transaction, executemany by 1,000 rows). No Python prepares
    anything: the rate no import of these rows can beat on this machine. Returns (rows, seconds)."""
    from qiaomen.registry.importing.services import CHUNK_ROWS, IMPORT_SQLITE_CACHE_KIB

    tables = {  # in the order they are written; the batch row only so that the people may point at it
        "registry_importbatch": "id = (SELECT max(id) FROM registry_importbatch)",
        "registry_person": "created_by_batch_id = (SELECT max(id) FROM registry_importbatch)",
        "registry_persontag": "person_id IN (SELECT id FROM registry_person WHERE created_by_batch_id = "
        "(SELECT max(id) FROM registry_importbatch))",
    }
    written: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    with closing(sqlite3.connect(imported)) as origin:
        for table, where in tables.items():
            cursor = origin.execute(f"SELECT * FROM {table} WHERE {where}")  # noqa: S608 (names above)
            written[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    with closing(sqlite3.connect(before, isolation_level=None)) as target:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "temp_store=MEMORY"):
            target.execute(f"PRAGMA {pragma}")
        target.execute(f"PRAGMA cache_size = {-IMPORT_SQLITE_CACHE_KIB}")
        started = time.process_time()
        target.execute("BEGIN IMMEDIATE")
        for table, (columns, rows) in written.items():
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            for start in range(0, len(rows), CHUNK_ROWS):
                target.executemany(sql, rows[start : start + CHUNK_ROWS])
        target.execute("COMMIT")
        seconds = time.process_time() - started
    return len(written["registry_person"][1]), seconds


def timed(label: str, read: Callable[[], int]) -> float:
    started = time.perf_counter()
    rows = read()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.2f} s ({rows - 1:,} rows/{seconds:.2f} s = {(rows - 1) / seconds:,.0f} rows/s)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the database and the files in this (new) folder")
    options = parser.parse_args()
    with bench_folder(options.workdir, name="import") as workdir:
        households = round(options.rows / PEOPLE_PER_HOUSEHOLD)
        street_seed(workdir, households=households, seed=options.seed)
        django_setup(workdir)
        addresses = household_addresses()
        rows = people_rows(options.rows, addresses, options.seed)
        first, second = workdir / "people.xlsx", workdir / "people-again.xlsx"
        xlsx_write(first, rows)
        rows.reverse()  # the same people in another file: another order, another SHA-256
        xlsx_write(second, rows)
        del rows
        print(f"machine: {machine()}; a 10M-step Python loop takes {python_speed():.2f} s CPU")
        print(
            f"file: {options.rows:,} rows × {len(HEADER)} columns, {first.stat().st_size / 1e6:.1f} MB; "
            f"street: {len(addresses):,} households from seed_demo"
        )
        print("reading only:")
        openpyxl_seconds = timed("openpyxl read-only", lambda: read_openpyxl(first))
        calamine_seconds = timed("python-calamine", lambda: read_calamine(first))
        print("importing (manage.py import_people, a process each, wall time including Django's start):")
        runs = (("every row a new person", first), ("the same people again, nothing changes", second))
        database, before = workdir / DATABASE_NAME, workdir / "before-import.sqlite3"
        database_copy(database, before)
        for label, path in runs:
            run = manage(workdir, "import_people", str(path), "--source", "police")
            rate = options.rows / run.seconds
            print(
                f"  {label}: {run.seconds:.1f} s = {rate:,.0f} rows/s, peak memory {run.peak_mb:,.0f} MB; "
                f"CPU {run.cpu_seconds:.1f} s = {options.rows / run.cpu_seconds:,.0f} rows per CPU second"
            )
            print(f"    {run.output.strip().splitlines()[-1]}")
            if path == first:
                calamine_rate = options.rows / calamine_seconds
                figure_record(
                    Figure(
                        work=f"import {options.rows:,} people x {len(HEADER)} columns",
                        value=rate,
                        unit="rows/s",
                        ceiling=calamine_rate,
                        ceiling_label="python-calamine reading the file",
                        goal=f">= {AIM_SHARE:.0%} of ceiling and >= {FLOOR_ROWS_PER_SECOND:,} rows/s",
                        met=rate >= AIM_SHARE * calamine_rate and rate >= FLOOR_ROWS_PER_SECOND,
                    )
                )
                figure_record(under_limit("import peak memory", run.peak_mb, "MB", PEAK_CEILING_MB))
                print(
                    f"    {run.seconds / openpyxl_seconds:.1f}× the time openpyxl takes to read the file, "
                    f"{run.seconds / calamine_seconds:.1f}× calamine's"
                )
                people, alone_seconds = sqlite_alone(database, before)
                before.unlink()
                alone_rate = people / alone_seconds
                print(
                    f"    SQLite alone writing the same {people:,} people and their tags, as stored: "
                    f"{alone_seconds:.1f} s CPU = {alone_rate:,.0f} rows/s, "
                    f"{alone_rate / calamine_rate:.0%} of calamine's rate; the import spends "
                    f"{run.cpu_seconds - alone_seconds:.1f} s CPU on everything else"
                )
                figure_record(
                    Figure(
                        work="SQLite alone writing the imported rows",
                        value=alone_rate,
                        unit="rows/s",
                        ceiling=calamine_rate,
                        ceiling_label="python-calamine reading the file",
                        goal=f">= {AIM_SHARE:.0%} of ceiling, else no import of these rows can meet its goal",
                        met=alone_rate >= AIM_SHARE * calamine_rate,
                    )
                )


if __name__ == "__main__":
    main()

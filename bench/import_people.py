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
import time
from collections.abc import Callable
from pathlib import Path

from common import bench_folder, django_setup, machine, manage, street_seed
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


if __name__ == "__main__":
    main()

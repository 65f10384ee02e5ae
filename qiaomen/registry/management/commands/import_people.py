"""python manage.py import_people PATH --source SOURCE [--dry-run] [--skip-invalid] [--map "列名=field"]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qiaomen.core.errors import DomainError
from qiaomen.registry.importing.headers import FIELDS, IGNORE, mapping_target_valid
from qiaomen.registry.importing.problems import Problem
from qiaomen.registry.importing.services import import_commit, import_plan
from qiaomen.registry.models import DataSource

COUNT_LABELS = {
    "rows": "数据行",
    "new": "新增",
    "updated": "更新",
    "unchanged": "无变化",
    "conflicts": "冲突",
    "conflicts_pending": "仍待处理的冲突",
    "tags_added": "新增标签",
    "rejected": "被拒绝的行",
}


class Command(BaseCommand):
    help = "Import people from a department's CSV or Excel file, merged by ID number (all rows or none)."
    # The system checks load every view and API schema (measured: about 0.8 s and 20 MB) for
    # nothing an import touches; `manage.py check --deploy` is run when the server is deployed.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help="data source code, e.g. police, civil_affairs, health")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would change; write nothing"
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows; write the others to a file to correct"
        )
        parser.add_argument("--rejects", type=Path, help="where to write the rejected rows (default: next to PATH)")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help=f"map an unknown header to a field ({', '.join([*FIELDS, IGNORE])})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"file_not_found: 找不到文件 {path}")
        source = DataSource.objects.filter(code=options["source"]).first()
        if source is None:
            codes = ", ".join(DataSource.objects.values_list("code", flat=True))
            raise CommandError(f"source_unknown: 数据来源“{options['source']}”不存在（可用：{codes}）")
        mapping = self._mapping(options["map"])
        dry_run, skip_invalid = options["dry_run"], options["skip_invalid"]
        try:
            # A real import reads, compares and writes the rows in one pass, inside its
            # transaction; a dry run reads the file whole to report on it.
            plan = import_plan(path=path, source=source, mapping=mapping, compare=dry_run, read=dry_run)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        if plan.already_imported is not None:
            earlier = plan.already_imported
            self.stdout.write(
                f"该文件已于 {earlier.created_at:%Y-%m-%d %H:%M} 导入（批次 {earlier.pk}），本次不做任何更改"
            )
            return
        if plan.columns is not None and plan.columns.unknown:
            self.stdout.write(f"未识别的列（未导入，可用 --map 列名=字段 指定）：{'、'.join(plan.columns.unknown)}")
        self._problems_print(plan.problems)
        if dry_run:
            self.stdout.write(f"检查结果：{self._counts_text(plan.counts_summary())}")
            self._conflicts_print(plan.conflicts)
            self.stdout.write("试运行：未写入任何数据")
            if plan.file_rejected or (plan.problems and not skip_invalid):
                raise CommandError(f"import_rejected: {len(plan.problems)} 个问题，正式导入将被拒绝")
            return
        planned = set(plan.problems)
        result = import_commit(
            plan=plan, skip_invalid=skip_invalid, rejects_path=options["rejects"], progress=self._progress
        )
        # Problems found while writing (rows whose person is out of reach, or new without address).
        self._problems_print([problem for problem in result.plan.problems if problem not in planned])
        if result.status == "rejected":
            total = len(result.plan.problems)
            raise CommandError(f"import_rejected: {total} 个问题，未导入任何数据（批次 {result.batch.pk}）")
        self._conflicts_print(result.plan.conflicts)
        self.stdout.write(self.style.SUCCESS(f"导入完成（批次 {result.batch.pk}）：{self._counts_text(result.counts)}"))
        if result.rejects_path is not None:
            self.stdout.write(f"被拒绝的行已写入 {result.rejects_path}（含“错误原因”列，改正后可重新导入）")

    def _mapping(self, items: list[str]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for item in items:
            header, sep, target = item.partition("=")
            if not sep or not header.strip() or not mapping_target_valid(target.strip()):
                raise CommandError(
                    f"mapping_invalid: “{item}”应写成 列名=字段，字段可选 {', '.join([*FIELDS, IGNORE])}"
                )
            mapping[header.strip()] = target.strip()
        return mapping

    def _progress(self, written: int) -> None:
        # Flushed line by line: an operator (or a test) sees how far the one transaction got.
        self.stdout.write(f"已写入 {written} 行（尚未提交）")
        self.stdout.flush()

    def _counts_text(self, counts: dict[str, int]) -> str:
        return "，".join(f"{label} {counts.get(key, 0)}" for key, label in COUNT_LABELS.items())

    def _problems_print(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.stdout.write(problem.as_line())

    def _conflicts_print(self, conflicts: list[dict[str, Any]]) -> None:
        for conflict in conflicts:
            self.stdout.write(
                f"第{conflict['row']}行【{conflict['column']}】冲突：现有值“{conflict['current']}”"
                f"（来源 {conflict['current_source'] or '未知'}），本文件为“{conflict['incoming']}”，"
                "未覆盖，待管理员处理"
            )

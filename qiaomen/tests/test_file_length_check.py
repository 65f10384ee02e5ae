"""scripts/check_file_length.py: a file of ours over 500 lines fails the gate, migrations aside."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_file_length.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_file_length", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, lines: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n" * lines, encoding="utf-8")


def test_files_over_the_limit_are_listed_with_their_count_and_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script()
    _write(tmp_path / "qiaomen" / "registry" / "long.py", 501)
    _write(tmp_path / "qiaomen" / "web" / "templates" / "long.html", 620)
    _write(tmp_path / "qiaomen" / "registry" / "at_the_limit.py", 500)
    _write(tmp_path / "qiaomen" / "registry" / "migrations" / "0001_initial.py", 900)
    _write(tmp_path / "qiaomen" / "web" / "static" / "app.css", 900)

    assert script.main(tmp_path) == 1

    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == [
        "qiaomen/registry/long.py: 501 lines (at most 500)",
        "qiaomen/web/templates/long.html: 620 lines (at most 500)",
    ]
    assert len(printed) == 3, "the migration, the stylesheet and the file at the limit pass"


def test_a_tree_within_the_limit_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "qiaomen" / "core" / "short.py", 10)

    assert _script().main(tmp_path) == 0
    assert "none over 500 lines" in capsys.readouterr().out

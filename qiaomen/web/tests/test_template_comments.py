"""Django's {# … #} comment ends at the end of its line: one that runs over two lines is not a
comment at all, and its text is served to everyone who opens the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.glob("*/templates/**/*.html"))
UNCLOSED = re.compile(r"\{#(?![^\n]*#\})")


def test_there_are_templates_to_check() -> None:
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_one_line_comment_runs_over_two_lines(path: Path) -> None:
    lines = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNCLOSED.search(line)
    ]
    assert not lines, f"{{# without #}} on the same line at lines {lines}: use {{% comment %}}"

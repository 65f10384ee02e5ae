"""Fail when a file of our own under qiaomen/ passes 500 lines (GUIDE.md: "no file passes 500").

Checked: Python modules, templates and our own JavaScript. Migrations are generated, so they are
left out; so are stylesheets, translation catalogues and the classifier's corpus, which are data.
Prints each offender with its line count and exits 1, or prints one line and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 500
SUFFIXES = (".py", ".html", ".js")
ROOT = Path(__file__).resolve().parent.parent
CHECKED = "qiaomen"


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def checked_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in (root / CHECKED).rglob("*")
        if path.suffix in SUFFIXES and path.is_file() and "migrations" not in path.relative_to(root).parts
    )


def offenders(root: Path, limit: int = LIMIT) -> list[tuple[Path, int]]:
    """Every checked file longer than `limit` lines, with its count, paths relative to `root`."""
    counted = ((path.relative_to(root), line_count(path)) for path in checked_files(root))
    return [(path, lines) for path, lines in counted if lines > limit]


def main(root: Path = ROOT) -> int:
    found = offenders(root)
    for path, lines in found:
        print(f"{path}: {lines} lines (at most {LIMIT})")
    if found:
        print(f"file length: {len(found)} file(s) under {CHECKED}/ over {LIMIT} lines; split them")
        return 1
    print(f"file length: {len(checked_files(root))} files under {CHECKED}/, none over {LIMIT} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())

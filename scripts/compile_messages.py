"""Compile every locale/*/LC_MESSAGES/django.po under qiaomen/ into a .mo file with Babel.

Django's own compilemessages needs GNU gettext's msgfmt, which a fresh machine may lack.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "qiaomen"


def main() -> int:
    compiled = 0
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog)
        compiled += 1
    print(f"translations: {compiled} catalogue(s) compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())

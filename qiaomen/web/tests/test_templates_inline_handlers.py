"""No template carries an inline event handler (onclick=, onchange= …): the CSP refuses them
(script-src-attr), so such a handler never runs and each page that has one reports a violation.
Behaviour goes in the static scripts (e.g. app.js's data-autosubmit)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_event_handler() -> None:
    root = Path(settings.BASE_DIR) / "qiaomen"
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.glob("*/templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE_HANDLER.search(line)
    ]
    assert not found

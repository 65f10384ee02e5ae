"""SECURITY.md line 24, read from the source: templates never mark text safe, the few places in
Python that build markup take no user text, and the CSP runs no inline script. The browser test
beside this one (test_browser_xss_forms) shows the payloads staying inert in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

from qiaomen.core.middleware import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]  # the qiaomen package
COMMENTS = re.compile(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}", re.S)
UNESCAPED = re.compile(r"\|\s*safe(seq)?\b|\{%\s*autoescape\s+off")
# The markup Python builds, each reviewed: fixed strings, the door sticker's QR code (an SVG
# segno draws from a door URL or a 2FA enrolment link, no user text), and a select of many options
# whose every name, value and label is escaped as conditional_escape escapes (test_widgets.py holds
# its HTML to Django's, labels with markup in them included). A new mark_safe fails the test until added here.
MARK_SAFE_ALLOWED = {
    "web/templatetags/registry_tags.py": 3,
    "core/qrcodes.py": 1,
    "web/shared/widgets.py": 1,
}


def test_security_24_no_template_marks_text_safe() -> None:
    templates = [path for path in ROOT.rglob("templates/**/*") if path.suffix in (".html", ".txt", ".xml")]
    assert len(templates) > 20
    offending = [
        str(path.relative_to(ROOT))
        for path in templates
        if UNESCAPED.search(COMMENTS.sub("", path.read_text(encoding="utf-8")))
    ]
    assert not offending


def test_security_24_markup_built_in_python_is_only_the_reviewed_kind() -> None:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        calls = len(re.findall(r"\bmark_safe\(|\bSafeString\(", path.read_text(encoding="utf-8")))
        if calls:
            found[str(path.relative_to(ROOT))] = calls
    assert found == MARK_SAFE_ALLOWED


def test_security_24_the_csp_runs_no_inline_script(client: Client) -> None:
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert client.get(reverse("web:login"))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY

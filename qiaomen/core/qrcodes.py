"""QR codes as inline SVG, for pages under a strict CSP: the door stickers and 2FA enrolment."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, scale: int = 1) -> SafeString:
    """`data` as an inline SVG QR code (no style attributes, no script). Safe: segno writes only
    its own path data; `data` is never echoed into the markup as text."""
    code = segno.make(data, error="m")
    return mark_safe(code.svg_inline(scale=scale, border=2, omitsize=True, svgclass="qr", lineclass=None))  # noqa: S308

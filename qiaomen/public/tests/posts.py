"""What a phone posts to the QR page."""

from __future__ import annotations

import uuid
from typing import Any


def demand(text: str, **extra: Any) -> dict[str, Any]:
    """The QR form as a phone posts it: a fresh submission id per page load."""
    return {"text": text, "submission_id": str(uuid.uuid4()), "callback_phone": "", **extra}

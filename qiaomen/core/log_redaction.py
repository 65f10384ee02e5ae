"""Secrets that travel in URLs never reach a log (issue 12, hole 7a; SECURITY line 6).

A resident's QR door code (`/q/<token>`) and rating link (`/r/<token>/`) are bearer secrets: whoever
reads them from a log opens the household's page. An Open311 client may put its `api_key` in the
query string. Every log line, gunicorn's access and error logs and Django's own, passes through
`redact`, which keeps the path's shape (so the log still says which page was asked for and how
it answered) and replaces the secret: `GET /q/[token] HTTP/1.1`.

gunicorn uses `GunicornLogger` through `deploy/gunicorn.conf.py` (`make run`); Django's loggers
use `SecretFilter` on the console handler (settings.LOGGING).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

HIDDEN = "[token]"
# A path segment after /q/ or /r/, also percent-encoded or inside a full URL (a Referer); and an
# api_key query parameter.
SECRETS = [
    (re.compile(r"(/[qr]/)[^/\s?#\"']+"), rf"\g<1>{HIDDEN}"),
    (re.compile(r"((?:^|[?&\s])api_key=)[^&\s\"']+"), rf"\g<1>{HIDDEN}"),
]


def redact(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class SecretFilter(logging.Filter):
    """Rewrites a record's message with the secrets replaced (the traceback of an exception is
    formatted later from its frames; its text holds code, not the request's path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class GunicornLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's logger with SecretFilter on its access log (the request line, path and Referer)
    and its error log ("Error handling request /q/…")."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, SecretFilter) for existing in log.filters):
                log.addFilter(SecretFilter())

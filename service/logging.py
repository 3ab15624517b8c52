"""Two logging filters for the server: secrets out of the access log, and floods cut to one a second.

- ``RedactSecrets`` (access log): the query string of ``/admin`` and ``/reviews`` is replaced
  whole, and anywhere else a parameter whose name looks like a credential (token, key, password,
  secret, auth, signature, session) keeps its name and loses its value. Someone who puts a
  token in a URL must not find it in a log file later.
- ``OncePerSecond`` (server and asyncio logs): the same message template from the same logger
  is written at most once a second, then the next one says how many were dropped. Under a file
  descriptor shortage every accept and every request fails the same way; one line a second says
  so, megabytes of identical tracebacks only fill the disk.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import unquote_plus

__all__ = ["OncePerSecond", "RedactSecrets", "redact_target"]

REDACTED = "[redacted]"
PRIVATE_PATHS = ("/admin", "/reviews")  # their whole query string stays out of the log
SECRET_NAME = re.compile(r"token|key|pass(word|wd)?|secret|auth|sig(nature)?|session|credential|cookie", re.IGNORECASE)


def redact_target(target: str) -> str:
    """``/similar?title=x&api_key=abc`` -> ``/similar?title=x&api_key=[redacted]``."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    if any(path == p or path.startswith(p + "/") for p in PRIVATE_PATHS):
        return f"{path}?{REDACTED}"
    pairs = []
    for pair in query.split("&"):
        name, eq, _ = pair.partition("=")
        pairs.append(f"{name}={REDACTED}" if SECRET_NAME.search(unquote_plus(name)) else pair)
    return f"{path}?{'&'.join(pairs)}"


class RedactSecrets(logging.Filter):
    """For uvicorn's access log, whose arguments are (client, method, target, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


class OncePerSecond(logging.Filter):
    def __init__(self, name: str = "", interval: float = 1.0):
        super().__init__(name)
        self.interval = interval
        self._last: dict[tuple[str, object], float] = {}
        self._dropped: dict[tuple[str, object], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg)
        now = time.monotonic()
        if now - self._last.get(key, -self.interval) < self.interval:
            self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        self._last[key] = now
        dropped = self._dropped.pop(key, 0)
        if dropped:
            record.msg = f"{record.msg} ({dropped} more like this in the last seconds were not logged)"
        return True

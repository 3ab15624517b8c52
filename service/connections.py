"""A guard against slow clients: read deadlines and a connection cap, in uvicorn's h11 protocol.

Why here: uvicorn has no header-read or body-read timeout. Its ``timeout_keep_alive`` only covers
the idle time between requests (the first byte of a new request cancels it), and its
``limit_concurrency`` answers 503 to every request past the limit, ``/health`` included, while it
keeps accepting sockets, so it protects neither the file descriptors nor the health check. A
subclass of the h11 protocol uvicorn already runs (same parser, same behaviour otherwise) sees
each connection's state and can enforce what a front proxy would:

- the request line and headers must arrive within ``header_timeout`` seconds of the connection
  (or of the previous response) starting to wait for them, the body within ``body_timeout``
  seconds of the headers: a slow client gets a 408 and its socket is closed;
- at most ``max_connections`` sockets per worker, kept below the process's file limit; one more
  closes the oldest connection that is still waiting for a request (a slowloris, or an idle
  keep-alive), and when every connection is busy in the app the newcomer gets a 503.

Used through ``uvicorn.run(..., http="service.connections:GuardedH11Protocol")``: a class named by
its import path, so every worker process (spawned, not forked) builds the same one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from functools import cache

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ConnectionLimits", "GuardedH11Protocol", "accept_batch", "connection_limits", "effective_cap", "listen_backlog"]

log = logging.getLogger("uvicorn.error")

FD_RESERVE = 64  # descriptors left for the model file, the review store, logs and the listening sockets
ACCEPT_BATCH = 128  # the listen backlog, and how many sockets asyncio accepts per wake-up
# asyncio's accept pipeline: sockets accepted in one loop iteration get their transport in the next
# and reach ``connection_made`` (where the cap acts) in the one after; a socket the cap closes is
# released one iteration later again. Up to three batches can hold descriptors before the cap sees
# them, so the cap leaves room for three (measured: 300 sockets at once under a 256-file limit with
# room for one batch hit EMFILE, and asyncio then stops accepting for a second, /health included)
ACCEPT_PIPELINE = 3


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_connections: int


def accept_batch(file_limit: int | None) -> int:
    """The listen backlog: 128, smaller when the file limit cannot hold three such batches and a cap of as many."""
    if file_limit is None:
        return ACCEPT_BATCH
    return max(8, min(ACCEPT_BATCH, (file_limit - FD_RESERVE) // (ACCEPT_PIPELINE + 1)))


def _file_limit() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def effective_cap(wanted: int, file_limit: int | None) -> int:
    """``wanted``, lowered so that the accept pipeline's batches on top of the cap still fit in the file limit."""
    if file_limit is None:
        return wanted
    pipeline = ACCEPT_PIPELINE * accept_batch(file_limit)
    return max(8, min(wanted, file_limit - FD_RESERVE - pipeline))


def listen_backlog() -> int:
    """The backlog `kdrama serve` passes to uvicorn for this process's file limit (workers inherit it)."""
    return accept_batch(_file_limit())


@cache
def connection_limits() -> ConnectionLimits:
    """Read once per worker process from the KDRAMA_* settings (workers are started from the environment)."""
    from .settings import Settings

    settings = Settings()
    return ConnectionLimits(settings.header_timeout_seconds, settings.body_timeout_seconds,
                            effective_cap(settings.max_connections, _file_limit()))


def _raw_response(status: int, reason: str, detail: str) -> bytes:
    body = json.dumps({"detail": detail}).encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n").encode() + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus read deadlines and the connection cap (see the module docstring)."""

    limits: ConnectionLimits | None = None  # tests may set it; else read from the settings

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._phase: str | None = None
        self._since = self.loop.time()
        self._deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        limits = self._limits()
        live = sum(1 for c in self.connections if not c.transport.is_closing())
        if live > limits.max_connections and not self._make_room():
            log.warning("worker %d: %d connections, the cap is %d and every one is busy: refused one", os.getpid(),
                        live, limits.max_connections)
            self._close(_raw_response(503, "Service Unavailable", "too many connections; try again shortly"))
            return
        self._follow()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    # ---- deadlines -----------------------------------------------------------------------------
    def _limits(self) -> ConnectionLimits:
        return self.limits or connection_limits()

    def _follow(self) -> None:
        """Start the clock of the phase the connection is in now: waiting for headers, or for the body."""
        state = self.conn.their_state
        phase = "headers" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == self._phase or self.transport.is_closing():
            return
        self._cancel()
        self._phase, self._since = phase, self.loop.time()
        if phase is not None:
            limits = self._limits()
            seconds = limits.header_timeout if phase == "headers" else limits.body_timeout
            self._deadline = self.loop.call_later(seconds, self._expire)

    def _cancel(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self._phase is None:
            return
        if self._phase == "body" and self.flow.read_paused:  # the app is not reading: not the client's fault
            self._deadline = self.loop.call_later(self._limits().body_timeout, self._expire)
            return
        limits = self._limits()
        seconds = limits.header_timeout if self._phase == "headers" else limits.body_timeout
        partial = self._phase == "body" or bool(self.conn.trailing_data[0])
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
        log.info("closed the connection from %s: request %s not complete within %g s", client, self._phase, seconds)
        what = "request headers" if self._phase == "headers" else "request body"
        self._close(_raw_response(408, "Request Timeout", f"{what} not received within {seconds:g} s") if partial else b"")

    # ---- the cap ---------------------------------------------------------------------------------
    def _make_room(self) -> bool:
        """Close the oldest other connection still waiting for a request; False when there is none."""
        waiting = [c for c in self.connections if c is not self and getattr(c, "_phase", None) == "headers"
                   and not c.transport.is_closing()]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c._since)
        partial = bool(oldest.conn.trailing_data[0])
        oldest._close(_raw_response(408, "Request Timeout", "request headers too slow; the server is at its connection cap")
                      if partial else b"")
        return True

    def _close(self, response: bytes) -> None:
        self._cancel()
        self._phase = None
        if response:
            self.transport.write(response)
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app's next receive() says http.disconnect
            self.cycle.message_event.set()
        self.transport.close()

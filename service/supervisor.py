"""`kdrama serve --workers N` on Linux: every worker accepts on its own SO_REUSEPORT socket.

Why not uvicorn's own supervisor: it binds one socket and shares it with every worker, so the
workers wait on one accept queue and the kernel wakes them last-in first-out; asyncio then takes
every pending connection in one wake-up. A burst of keep-alive connections lands on one worker:
measured with 50 connections against 2 workers, 2 bursts of 3 went entirely to one of them
(similar 252 and 280 req/s, against 530 when they split). With a socket per worker in one
``SO_REUSEPORT`` group the kernel spreads connections over the workers by their address hash.
(uvicorn has no such option yet: Kludex/uvicorn#2472 proposes one.)

What this supervisor does, and nothing more: holds the port (a bound socket that never listens,
so a taken port fails here, at once, with one line), starts N spawned workers that each run
``uvicorn.Server.run(sockets=[their own socket])`` with the same options as one worker, restarts
a worker that dies (but stops, exit 3, when workers keep dying within seconds of starting), and
on SIGINT/SIGTERM stops them all (SIGTERM, then SIGKILL after ``STOP_SECONDS``). Elsewhere, or
with one worker, ``uvicorn.run`` serves as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from typing import Any

__all__ = ["reuse_port_supported", "serve_workers"]

log = logging.getLogger("uvicorn.error")

STOP_SECONDS = 15.0  # what a stopping worker gets to finish its requests before SIGKILL
FAST_DEATH_SECONDS = 10.0  # a worker that dies this soon after starting counts towards giving up
MAX_FAST_DEATHS = 3
STARTUP_FAILURE = 3  # uvicorn's exit code for a server that could not start


def reuse_port_supported() -> bool:
    """Linux spreads connections over a SO_REUSEPORT group; other systems may give them all to one socket."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listener(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) in the port's SO_REUSEPORT group (not yet listening).

    ``proto`` is IPPROTO_TCP, as asyncio needs to set TCP_NODELAY on the connections it accepts.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind((host, port))
    return sock


def _worker(options: dict[str, Any], host: str, port: int) -> None:  # pragma: no cover - runs in a spawned process
    import uvicorn

    config = uvicorn.Config("service.app:factory", **{**options, "workers": 1})
    server = uvicorn.Server(config)
    server.run(sockets=[listener(host, port)])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class _Workers:
    def __init__(self, options: dict[str, Any], host: str, port: int, count: int):
        self.options, self.host, self.port, self.count = options, host, port, count
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[tuple[multiprocessing.process.BaseProcess, float]] = []
        self.stopping = False
        self.fast_deaths = 0

    def start_one(self) -> None:
        process = self.context.Process(target=_worker, args=(self.options, self.host, self.port), daemon=False)
        process.start()
        self.processes.append((process, time.monotonic()))

    def reap(self) -> bool:
        """Restart dead workers; False when they keep dying at start (the caller then stops)."""
        alive = []
        for process, started in self.processes:
            if process.is_alive():
                alive.append((process, started))
                continue
            quick = time.monotonic() - started < FAST_DEATH_SECONDS
            self.fast_deaths = self.fast_deaths + 1 if quick else 0
            log.warning("worker %s exited with %s%s", process.pid, process.exitcode,
                        "" if self.stopping else "; starting another")
        self.processes = alive
        if self.fast_deaths >= MAX_FAST_DEATHS:
            return False
        while not self.stopping and len(self.processes) < self.count:
            self.start_one()
        return True

    def stop(self) -> None:
        self.stopping = True
        for process, _ in self.processes:
            if process.is_alive() and process.pid:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(5)


def serve_workers(options: dict[str, Any], host: str, port: int, count: int) -> int:
    """Run ``count`` workers, each on its own socket of the port's SO_REUSEPORT group; the exit code."""
    try:
        reserved = listener(host, port)  # never listens: it only keeps the port ours while workers restart
    except OSError as exc:
        log.error("cannot listen on %s:%s: %s", host, port, exc.strerror or exc)
        return STARTUP_FAILURE
    log.info("Started parent process [%d]: %d workers, one SO_REUSEPORT socket each", os.getpid(), count)
    workers = _Workers(options, host, port, count)
    stop_signals: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: stop_signals.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    code = 0
    try:
        for _ in range(count):
            workers.start_one()
        while not stop_signals:
            time.sleep(0.2)
            if not workers.reap():
                log.error("workers keep exiting within %.0f s of starting; stopping", FAST_DEATH_SECONDS)
                code = STARTUP_FAILURE
                break
        if stop_signals:
            log.info("Received %s, stopping %d workers", signal.Signals(stop_signals[0]).name, len(workers.processes))
    finally:
        workers.stop()
        reserved.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code

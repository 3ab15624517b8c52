"""`kdrama serve --workers 2` on Linux: a SO_REUSEPORT socket per worker (service/supervisor.py).

With uvicorn's shared socket, a burst of keep-alive connections went entirely to one worker in 2 of
3 bursts; with a socket each, the kernel spreads them. Also: a killed worker is replaced, SIGTERM
stops every worker, and a taken port is one line and a non-zero exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bench.server import children, free_port, kdrama_command
from service.supervisor import reuse_port_supported
from tests.servers import Server

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not reuse_port_supported(), reason="SO_REUSEPORT spreading is Linux's")]

HOST = "127.0.0.1"


def _workers(server: Server) -> list[int]:
    """The worker processes (multiprocessing's resource tracker, which holds no socket, is left out)."""
    return [pid for pid in children(server.process.pid) if "multiprocessing.resource_tracker" not in
            Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]


def _established_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # ESTABLISHED, server side
                inodes.add(fields[9])
    return inodes


def _connections_per_worker(pids: list[int], port: int) -> dict[int, int]:
    established = _established_inodes(port)
    counts = {}
    for pid in pids:
        held = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                held.add(target[8:-1])
        counts[pid] = len(held & established)
    return counts


def test_a_burst_of_connections_is_spread_over_both_workers(model_path, tmp_path):
    with Server(tmp_path, workers=2, env={"KDRAMA_MODEL_PATH": str(model_path)}) as server:
        pids = _workers(server)
        assert len(pids) == 2, pids
        sockets = [socket.create_connection((HOST, server.port), timeout=5) for _ in range(40)]
        try:
            for s in sockets:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            for s in sockets:
                assert s.recv(4096).startswith(b"HTTP/1.1 200")
            counts = _connections_per_worker(pids, server.port)
        finally:
            for s in sockets:
                s.close()
    assert sum(counts.values()) == 40, counts
    assert min(counts.values()) >= 8, f"one worker took nearly every connection: {counts}"


def test_a_killed_worker_is_replaced_and_sigterm_stops_them_all(model_path, tmp_path):
    server = Server(tmp_path, workers=2, env={"KDRAMA_MODEL_PATH": str(model_path)})
    try:
        first = _workers(server)
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _workers(server)
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and first[0] not in now, (first, now)
        # the new worker answers too: every connection gets a 200 while both are up
        for _ in range(20):
            with socket.create_connection((HOST, server.port), timeout=5) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                assert s.recv(4096).startswith(b"HTTP/1.1 200")
        os.kill(server.process.pid, signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        for pid in now:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    finally:
        server.kill()


def test_a_taken_port_is_one_line_and_a_failure(model_path, tmp_path):
    port = free_port()
    taken = socket.socket()
    taken.bind((HOST, port))
    taken.listen()
    try:
        done = subprocess.run([*kdrama_command(), "serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
                              cwd=tmp_path, env={**os.environ, "KDRAMA_MODEL_PATH": str(model_path)},
                              capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert done.returncode != 0
    assert "cannot listen on 127.0.0.1" in done.stderr and "Traceback" not in done.stderr, done.stderr

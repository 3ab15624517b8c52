"""Start and stop `kdrama serve` on loopback for a benchmark, and ask it one thing at a time."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .common import ROOT

__all__ = ["HOST", "free_port", "get", "rss_mb", "serve", "wait_until"]

HOST = "127.0.0.1"  # load tests only ever target this machine's loopback


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _kdrama() -> list[str]:
    script = Path(sys.executable).parent / "kdrama"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from recommender.cli import main; raise SystemExit(main())"]


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """(status, body) of one GET; status 0 when nothing answers yet."""
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body
    except OSError:
        return 0, b""


def wait_until(port: int, path: str, limit_s: float = 60.0, poll_s: float = 0.01,
               process: subprocess.Popen | None = None) -> float:
    """Seconds until ``path`` first answers 200 (raises TimeoutError after ``limit_s``, or if ``process`` dies)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        if process is not None and process.poll() is not None:
            error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
            raise RuntimeError(f"`kdrama serve` exited with {process.returncode} before answering:\n{error}")
        status, _ = get(port, path, timeout=limit_s)
        if status == 200:
            return time.perf_counter() - started
        time.sleep(poll_s)
    raise TimeoutError(f"http://{HOST}:{port}{path} did not answer 200 within {limit_s:.0f} s")


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process (VmRSS), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@contextmanager
def serve(model: Path, workers: int = 1, port: int | None = None, env: dict[str, str] | None = None,
          cwd: Path = ROOT) -> Iterator[tuple[subprocess.Popen, int, float]]:
    """`kdrama serve` on a free loopback port: yields (process, port, start time); stopped on exit."""
    port = port or free_port()
    env = {**os.environ, **(env or {}), "KDRAMA_MODEL_PATH": str(Path(model).resolve())}
    command = [*_kdrama(), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
               "--model", str(model), "--log-level", "warning"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process, port, started
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # uvicorn's graceful stop; its supervisor stops its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()

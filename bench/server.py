"""The one harness that runs a real `kdrama serve` on loopback, for benchmarks and tests alike.

``serve()`` is a context manager for benchmarks; ``Server`` (own process group, readiness wait,
log file, SIGKILL) is what the tests use through tests/servers.py.
"""

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

__all__ = ["HOST", "Server", "free_port", "get", "kdrama_command", "rss_mb", "serve", "wait_until"]

HOST = "127.0.0.1"  # load tests only ever target this machine's loopback


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def kdrama_command() -> list[str]:
    script = Path(sys.executable).parent / "kdrama"
    return [str(script)] if script.exists() else [sys.executable, "-m", "recommender.cli"]


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
    command = [*kdrama_command(), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
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


def _limit_files(limit: int):
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    return apply


class Server:
    """`kdrama serve` in its own process group (so SIGKILL takes every worker with it), logging to a file."""

    def __init__(self, cwd: Path, workers: int = 1, env: dict[str, str] | None = None, log_level: str = "info",
                 timeout: float = 60.0, isolate: bool = False, args: tuple[str, ...] = (), file_limit: int | None = None):
        """``isolate``: start from an environment with no KDRAMA_* setting, then add ``env``;
        ``file_limit``: the server's RLIMIT_NOFILE (as `ulimit -n`)."""
        self.cwd, self.workers = cwd, workers
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = cwd / f"serve-{self.port}.log"
        self.log_level = log_level
        base_env = {k: v for k, v in os.environ.items() if not (isolate and k.startswith("KDRAMA_"))}
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                [*kdrama_command(), "serve", "--port", str(self.port), "--workers", str(workers), "--log-level", log_level, *args],
                cwd=cwd, env={**base_env, **(env or {})}, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=None if file_limit is None else _limit_files(file_limit))
        try:
            self.health = self.wait_ready(timeout)
        except BaseException:
            self.kill()
            raise

    def wait_ready(self, timeout: float = 60.0) -> dict:
        """Until every worker has started (each logs its startup at info level) and /health answers."""
        import json

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kdrama serve exited with {self.process.returncode}:\n{self.log.read_text()}")
            started = self.log.read_text(errors="replace").count("Application startup complete")
            status, body = get(self.port, "/health", timeout=1.0)
            if status == 200 and (self.log_level != "info" or started >= self.workers):
                return json.loads(body)
            time.sleep(0.1)
        raise TimeoutError(f"kdrama serve did not answer within {timeout} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

"""A real `kdrama serve` process for tests: free loopback port, readiness wait, clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kdrama_command() -> list[str]:
    script = Path(sys.executable).with_name("kdrama")
    return [str(script)] if script.exists() else [sys.executable, "-m", "recommender.cli"]


class Server:
    """`kdrama serve` in its own process group (so SIGKILL takes every worker with it)."""

    def __init__(self, cwd: Path, workers: int = 1, env: dict[str, str] | None = None, log_level: str = "info",
                 timeout: float = 60.0, isolate: bool = False):
        """``isolate``: start from an environment with no KDRAMA_* setting, then add ``env``."""
        self.cwd, self.workers = cwd, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"serve-{self.port}.log"
        self.log_level = log_level
        base_env = {k: v for k, v in os.environ.items() if not (isolate and k.startswith("KDRAMA_"))}
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(
                [*kdrama_command(), "serve", "--port", str(self.port), "--workers", str(workers), "--log-level", log_level],
                cwd=cwd, env={**base_env, **(env or {})}, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.health = self.wait_ready(timeout)
        except BaseException:
            self.kill()
            raise

    def wait_ready(self, timeout: float = 60.0) -> dict:
        """Until every worker has started (each logs its startup at info level) and /health answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"kdrama serve exited with {self.process.returncode}:\n{self.log.read_text()}")
            started = self.log.read_text(errors="replace").count("Application startup complete")
            try:
                response = httpx.get(f"{self.base}/health", timeout=1.0)
                if response.status_code == 200 and (self.log_level != "info" or started >= self.workers):
                    return response.json()
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"kdrama serve did not answer within {timeout} s:\n{self.log.read_text()}")

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

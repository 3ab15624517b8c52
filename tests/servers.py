"""A real `kdrama serve` process for tests: the same harness the benchmarks use (bench/server.py)."""

from __future__ import annotations

from bench.server import Server, free_port, kdrama_command

__all__ = ["Server", "free_port", "kdrama_command"]

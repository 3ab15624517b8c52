"""`kdrama serve` starts OpenBLAS with one thread in every worker (docs/performance.md, HTTP).

With only a run-time limit (threadpoolctl), OpenBLAS kept its pool threads and with --workers 2
they spun on the core the other worker needed: two workers served no more than one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.server import children
from service.cli import BLAS_THREADS, single_threaded_blas_env
from tests.servers import Server


def test_the_blas_thread_settings_default_to_one_and_keep_an_operators_value(monkeypatch):
    for name in BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    single_threaded_blas_env()
    import os

    assert os.environ["OPENBLAS_NUM_THREADS"] == "1" and os.environ["MKL_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3"


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to read a worker's environment")
def test_every_spawned_worker_starts_openblas_with_one_thread(model_path, tmp_path, monkeypatch):
    for name in BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)  # what a fresh shell has
    with Server(tmp_path, workers=2, env={"KDRAMA_MODEL_PATH": str(model_path)}) as server:
        workers = children(server.process.pid)  # the two workers (and multiprocessing's resource tracker)
        assert len(workers) >= 2, workers
        for pid in workers:
            environ = _environ(pid)
            assert environ.get("OPENBLAS_NUM_THREADS") == "1", (pid, {k: v for k, v in environ.items() if "THREADS" in k})

"""`kdrama serve` starts OpenBLAS with the cores shared among the workers (docs/performance.md, HTTP).

With only a run-time limit (threadpoolctl), OpenBLAS kept its pool threads and with --workers 2
they spun on the core the other worker needed: two workers served no more than one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.server import children
from service.cli import BLAS_THREADS, blas_threads_env
from tests.servers import Server


@pytest.mark.parametrize(("cores", "workers", "threads"), [(2, 1, 2), (2, 2, 1), (2, 4, 1), (8, 3, 2), (1, 1, 1)])
def test_blas_threads_are_the_cores_shared_by_the_workers_and_an_operators_value_stays(monkeypatch, cores, workers, threads):
    import service.cli

    for name in BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.setattr(service.cli, "_cores", lambda: cores)
    assert blas_threads_env(workers) == threads
    assert os.environ["OPENBLAS_NUM_THREADS"] == os.environ["MKL_NUM_THREADS"] == str(threads)
    assert os.environ["OMP_NUM_THREADS"] == "3"


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc to read a worker's environment")
def test_every_spawned_worker_starts_openblas_with_its_share_of_the_cores(model_path, tmp_path, monkeypatch):
    for name in BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)  # what a fresh shell has
    with Server(tmp_path, workers=2, env={"KDRAMA_MODEL_PATH": str(model_path)}) as server:
        workers = children(server.process.pid)  # the two workers (and multiprocessing's resource tracker)
        assert len(workers) >= 2, workers
        for pid in workers:
            environ = _environ(pid)
            want = str(max(1, len(os.sched_getaffinity(0)) // 2))
            assert environ.get("OPENBLAS_NUM_THREADS") == want, (pid, {k: v for k, v in environ.items() if "THREADS" in k})

"""`kdrama serve`: run the HTTP service under uvicorn.

Registered through the ``kdrama.commands`` entry point (pyproject.toml), so the library never
imports the service; this module imports nothing heavy until the command runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["register"]


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve 'more like this' over HTTP (OpenAPI docs at /docs)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes, each with its own copy of the model")
    p.add_argument("--model", help="model file (default $KDRAMA_MODEL_PATH or models/model.joblib)")
    p.add_argument("--database", help="sqlite:///path or postgresql://... (default $KDRAMA_DATABASE_URL); on PostgreSQL the model comes from there")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=cmd_serve)


# BLAS threads per worker: the cores divided among the workers, so that N workers never start
# more BLAS threads than there are cores. A run-time limit (threadpoolctl) leaves OpenBLAS's pool
# threads in place. One worker keeps both cores here (similar under load 286-292 req/s with 2
# threads, 237-260 with 1). With 2 workers, runs with one thread each scored 529-557 req/s against
# 293 without, but the main cause of that gap turned out to be the shared accept socket
# (service/supervisor.py), so this setting is hygiene, not the 2-worker fix. Set before NumPy
# loads, here and in every spawned worker (they inherit the environment); an operator's value stays.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def blas_threads_env(workers: int) -> int:
    """Set the BLAS thread variables an operator left unset to cores // workers (at least 1); returns that."""
    threads = max(1, _cores() // max(1, workers))
    for name in BLAS_THREADS:
        os.environ.setdefault(name, str(threads))
    return threads


def cmd_serve(args) -> int:
    from recommender.errors import InvalidQueryError

    from .model_source import describe
    from .settings import Settings

    if args.workers < 1:
        raise InvalidQueryError("workers", f"--workers must be at least 1, got {args.workers}")
    blas_threads_env(args.workers)  # before anything below loads NumPy
    if args.model:
        # workers build their app from the environment, so the flag travels as KDRAMA_MODEL_PATH
        os.environ["KDRAMA_MODEL_PATH"] = str(Path(args.model).resolve())
    if args.database:
        os.environ["KDRAMA_DATABASE_URL"] = args.database
    settings = Settings()
    # key, signature and length checked here, in one line, before any worker starts
    meta = describe(settings)
    print(f"serving model {meta.get('model_version')} ({meta.get('n_shows')} shows) "
          f"on http://{args.host}:{args.port} (docs at /docs)", file=sys.stderr, flush=True)
    from .server import run

    # the slow-client guard and log filters: service/server.py; several workers: service/supervisor.py
    return run(args.host, args.port, args.workers, args.log_level)

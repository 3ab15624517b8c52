"""Retraining on the catalog plus every stored review and cold-start show; `kdrama retrain`.

A retrain whose inputs hash to the fingerprint of the current model is skipped. Every run is
recorded in the store (outcome, seconds, model version, error) for ``GET /admin/status``. Runs
from several processes (CLI, uvicorn workers) take turns through a lock file beside the model;
on PostgreSQL, through an advisory lock shared by every replica (``model_registry``).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .config import TrainConfig
from .errors import KdramaError
from .paths import DEFAULT_MODEL
from .store import ReviewStore
from .training import TrainResult, train

__all__ = ["recorded_run", "retrain"]


@contextlib.contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """One retrain of a given model file at a time, across processes."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: rely on the atomic write alone
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_name(out.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def retrain(
    shows_path: str | Path,
    review_paths: Sequence[str | Path],
    store: ReviewStore,
    out: str | Path = DEFAULT_MODEL,
    force: bool = False,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
    validate: Callable[[Path], None] | None = None,
    wait: bool = True,
) -> TrainResult:
    """Train on files + store, write ``out`` atomically, and record the run; raises on failure
    (recorded too), leaving the previous model file untouched.

    ``validate(out)`` runs on a freshly written model before the run counts as trained (the
    service loads it there); whatever it raises fails the run. A PostgreSQL store gets the model
    in its ``models`` table instead (``model_registry``); ``wait=False`` there raises
    RetrainBusyError when another replica is retraining.
    """
    out = Path(out)
    if getattr(store, "holds_models", False):  # PostgreSQL: the model goes into the database, not to `out`
        from .model_registry import retrain_into_database

        return retrain_into_database(shows_path, review_paths, store, force=force, config=config, progress=progress,
                                     validate=validate, wait=wait)

    def work(extra_shows, extra_reviews) -> TrainResult:
        result = train(shows_path, review_paths, out, config=config, extra_shows=extra_shows,
                       extra_reviews=extra_reviews, force=force, progress=progress)
        if validate is not None and not result.skipped:
            validate(out)
        return result

    with _exclusive(out):
        return recorded_run(store, work)


def recorded_run(store, work: Callable[..., TrainResult]) -> TrainResult:
    """Run ``work(extra_shows, extra_reviews)`` on the store's data, recording the run's outcome.

    The record always says what happened: a model already written (and live, when ``work``
    validated and swapped it) stays "trained" even when the store then cannot record it.
    """
    started = time.perf_counter()
    stored = store.reviews()
    run = store.start_run(last_review_id=max((r.id for r in stored), default=0))
    try:
        result = work(store.shows(), [r.to_review() for r in stored])
    except BaseException as exc:
        reason = str(exc) if isinstance(exc, KdramaError) else f"{type(exc).__name__}: {exc}"
        _record(store, run, "failed", time.perf_counter() - started, error=reason or type(exc).__name__)
        raise
    result.note = _record(store, run, "skipped" if result.skipped else "trained", result.seconds,
                          model_version=str(result.meta.get("model_version", "")))
    return result


def _record(store, run: int, outcome: str, seconds: float, **details: str) -> str:
    """Finish the run's record; '' when recorded, else why not (the outcome stands either way)."""
    try:
        store.finish_run(run, outcome, seconds, **details)
    except (KdramaError, OSError, sqlite3.Error) as exc:
        return f"the run was {outcome} but could not be recorded in the review store: {exc}"
    return ""

"""Retraining inside the service: one run at a time, validated before it goes live.

``Retrainer.run()`` retrains (in the calling worker thread) on the catalog plus the review
store, then loads and verifies the new artifact through the ``ModelHolder``, which swaps it in
under its lock. Requests already running finish on the model they started with. When anything
fails, the old model keeps serving and the reason is recorded for ``GET /admin/status``.

Other worker processes pick the new file up on their own (``ModelHolder.maybe_reload``).
Optional automatic retrains: after ``retrain_after_reviews`` new reviews, or every
``retrain_every_minutes`` when reviews are waiting (both off by default).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from recommender.database import open_store
from recommender.errors import ArtifactError, KdramaError
from recommender.retraining import retrain
from recommender.store import ReviewStore
from recommender.store_pg import RetrainBusyError
from recommender.titles import Catalog

from .holder import ModelHolder
from .settings import Settings

__all__ = ["RetrainOutcome", "Retrainer", "RetrainerDep", "current_retrainer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrainOutcome:
    outcome: str  # trained | skipped | failed | busy
    model_version: str  # the version serving once the run is over
    previous_version: str
    seconds: float
    summary: str = ""
    error: str = ""


class Retrainer:
    def __init__(self, settings: Settings, holder: ModelHolder):
        self.settings = settings
        self.holder = holder
        self._store: ReviewStore | None = None
        self._store_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._review_catalog: tuple[tuple[str, int], Catalog] | None = None

    # ---- the store ------------------------------------------------------------------------------
    @property
    def store(self) -> ReviewStore:
        """Opened on first use, so a read-only deployment never creates the database file."""
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    self._store = open_store(self.settings.store_url)  # SQLite file or PostgreSQL
        return self._store

    def review_catalog(self, served) -> Catalog:
        """The served catalog plus the shows created since it was trained: what a review may be about.

        Rebuilt only when the model or the number of stored shows changes, not on every POST.
        """
        key = (served.version, self.store.count_shows())
        cached = self._review_catalog
        if cached is None or cached[0] != key:
            shows = served.model.catalog.shows
            known = {s.show_id for s in shows}
            cached = (key, Catalog(shows + [s for s in self.store.shows() if s.show_id not in known]))
            self._review_catalog = cached
        return cached[1]

    @property
    def running(self) -> bool:
        return self._run_lock.locked()

    # ---- one run --------------------------------------------------------------------------------
    def run(self, force: bool = False) -> RetrainOutcome:
        """Retrain and swap; never raises for a failed run (the old model keeps serving)."""
        previous = self.holder.get().version
        if not self._run_lock.acquire(blocking=False):
            return RetrainOutcome("busy", previous, previous, 0.0, error="a retrain is already running; try again when it is done")
        started = time.perf_counter()
        try:
            result = retrain(self.settings.shows_path, self.settings.reviews_paths, self.store, self.settings.model_path,
                             force=force, validate=self._go_live, wait=False)
        except RetrainBusyError as exc:  # another replica is retraining (PostgreSQL)
            return RetrainOutcome("busy", previous, previous, time.perf_counter() - started, error=str(exc))
        except KdramaError as exc:
            return self._failed(previous, started, str(exc))
        except Exception as exc:  # a bug must not take the service down with it
            log.exception("retrain failed")
            return self._failed(previous, started, f"{type(exc).__name__}: {exc}")
        finally:
            self._run_lock.release()
        serving = self.holder.get().version
        return RetrainOutcome("skipped" if result.skipped else "trained", serving, previous,
                              time.perf_counter() - started, summary=result.summary())

    def _go_live(self, path) -> None:
        try:
            served = self.holder.reload()
        except ArtifactError as exc:
            raise KdramaError(f"the new model was refused, the previous one keeps serving: {exc}") from None
        log.info("retrained: now serving model %s", served.version)

    def _failed(self, previous: str, started: float, error: str) -> RetrainOutcome:
        log.warning("retrain failed, still serving %s: %s", previous, error)
        return RetrainOutcome("failed", self.holder.get().version, previous, time.perf_counter() - started, error=error)

    # ---- automatic retrains ---------------------------------------------------------------------
    def after_review(self) -> None:
        """Called when a review was stored: start a retrain once enough reviews are waiting."""
        wanted = self.settings.retrain_after_reviews
        if wanted and not self.running and self.store.reviews_waiting() >= wanted:
            self._in_background()

    def _in_background(self) -> None:
        def work() -> None:
            outcome = self.run()
            log.info("automatic retrain: %s %s", outcome.outcome, outcome.error or outcome.summary)

        threading.Thread(target=work, name="kdrama-retrain", daemon=True).start()

    def start(self) -> None:
        """Start the periodic check when ``retrain_every_minutes`` is set."""
        if self.settings.retrain_every_minutes and self._timer is None:
            self._timer = threading.Thread(target=self._every, name="kdrama-retrain-timer", daemon=True)
            self._timer.start()

    def _every(self) -> None:
        interval = self.settings.retrain_every_minutes * 60
        last = time.monotonic()
        while not self._stop.wait(min(interval, 30.0)):
            try:
                waiting = self.store.reviews_waiting()
                due = time.monotonic() - last >= interval
                enough = bool(self.settings.retrain_after_reviews) and waiting >= self.settings.retrain_after_reviews
                if waiting and (due or enough) and not self.running:
                    last = time.monotonic()
                    outcome = self.run()
                    log.info("scheduled retrain: %s %s", outcome.outcome, outcome.error or outcome.summary)
            except Exception:  # the timer must outlive a bad run
                log.exception("scheduled retrain check failed")

    def close(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join(timeout=5)
        if self._run_lock.acquire(timeout=120):  # let a background retrain finish with the store open
            self._run_lock.release()
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def current_retrainer(request: Request) -> Retrainer:
    return request.app.state.retrainer


RetrainerDep = Annotated[Retrainer, Depends(current_retrainer)]

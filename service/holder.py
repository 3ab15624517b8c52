"""ModelHolder: the model a process serves, swapped whole under a lock.

A request takes one ``ServedModel`` (model + metadata) from ``get()`` and uses it to the end,
so a swap in the middle of a request never mixes two models. ``reload()`` only replaces the
model once the new file has loaded and verified; a bad file leaves the old model serving.
``maybe_reload()`` is cheap (a ``stat``) so every worker process can call it per request and
pick up a file written by ``kdrama train`` or by another worker.

Every new stamp is verified (key and signature), even when the header claims the version already
serving; a file older than the one serving (``artifact.served_order``) is refused unless it was
put back by ``kdrama models rollback --file`` or ``KDRAMA_ALLOW_OLDER_MODEL`` is set.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recommender.artifact import served_order
from recommender.errors import ArtifactError
from recommender.model import Recommender

from .model_source import FileSource, ModelSource

__all__ = ["ModelHolder", "ServedModel"]

log = logging.getLogger(__name__)

Stamp = Any  # whatever the ModelSource says changes with a new model (a file's mtime/size/inode)


@dataclass(frozen=True)
class ServedModel:
    """One consistent snapshot: a fitted model and the metadata of the file it came from."""

    model: Recommender
    meta: dict[str, Any] = field(default_factory=dict)
    stamp: Stamp | None = None

    @property
    def version(self) -> str:
        return str(self.meta.get("model_version", "unknown"))


def _check_model(model: Any, source: str) -> None:
    if not isinstance(model, Recommender) or not model.is_fitted:
        raise ArtifactError(f"{source}: does not hold a fitted Recommender; retrain it")


class ModelHolder:
    def __init__(self, path: str | Path, key: bytes | str | None = None, check_interval: float = 1.0,
                 source: ModelSource | None = None, allow_older: bool = False):
        self.path = Path(path)
        self.allow_older = allow_older  # KDRAMA_ALLOW_OLDER_MODEL: take any verified file, older or not
        self.key = key
        self.source = source or FileSource(self.path, key)  # the database's models table on replicas
        self.check_interval = check_interval
        self._current: ServedModel | None = None
        # writers (reload, swap) take the lock; readers just read _current, one reference
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._failed: Stamp | None = None  # a file that failed to load is not retried until it changes
        self.last_error = ""  # why the newest file was refused; "" once a file loads (for /admin/status)

    # ---- reading ---------------------------------------------------------------------------
    def get(self) -> ServedModel:
        current = self._current
        if current is None:
            raise ArtifactError(f"{self.source.name}: no model loaded yet; call load() first")
        return current

    @property
    def loaded(self) -> bool:
        return self._current is not None

    # ---- replacing --------------------------------------------------------------------------
    def load(self) -> ServedModel:
        """Load the configured file; raises ArtifactError (the old model, if any, stays)."""
        return self.reload()

    def reload(self) -> ServedModel:
        """Verify and load the file, then swap it in. On failure the old model keeps serving."""
        with self._lock:
            return self._reload_locked()

    def _reload_locked(self) -> ServedModel:
        stamp = self.source.stamp()  # taken before reading: a file replaced meanwhile is noticed next time
        try:
            loaded = self.source.load()
            _check_model(loaded.model, self.source.name)
            self._check_order(loaded.meta)
        except ArtifactError as exc:
            self._refused(stamp, exc)
            raise
        self._failed = None
        self.last_error = ""
        self._current = ServedModel(loaded.model, dict(loaded.meta), stamp)
        return self._current

    def _refused(self, stamp: Stamp, exc: ArtifactError) -> None:
        self._failed = stamp
        self.last_error = str(exc)

    def _check_order(self, meta: dict[str, Any]) -> None:
        """An older model going live is a rollback, and a rollback must be asked for."""
        current = self._current
        if current is None or self.allow_older or self.source.explicit_order:
            return
        if served_order(meta) < served_order(current.meta):
            raise ArtifactError(
                f"{self.source.name}: model {meta.get('model_version')} is older than the one serving "
                f"({current.version}); refused. To go back on purpose: `kdrama models rollback --file OLD.joblib`")

    def swap(self, model: Recommender, meta: dict[str, Any] | None = None) -> ServedModel | None:
        """Serve ``model`` (fitted in memory) from now on; returns the snapshot it replaced, if any."""
        _check_model(model, "swap()")
        meta = dict(meta if meta is not None else getattr(model, "meta_", {}))
        with self._lock:
            previous = self._current
            # keep the file's stamp: the unchanged file must not undo this swap on the next check
            self._current = ServedModel(model, meta, previous.stamp if previous else None)
        return previous

    def maybe_reload(self, now: float | None = None) -> bool:
        """Reload if the file changed since it was loaded; True when a new model went live.

        Never raises: a missing or broken file is logged and the current model keeps serving.
        """
        now = time.monotonic() if now is None else now
        if now < self._next_check:
            return False
        self._next_check = now + self.check_interval
        stamp = self.source.stamp()
        current = self._current
        if stamp is None or stamp == self._failed or (current is not None and stamp == current.stamp):
            return False
        if not self._lock.acquire(blocking=False):
            return False  # another thread is replacing it right now
        try:
            if current is not None and self._unchanged(current, stamp):
                return False
            served = self._reload_locked()
        except ArtifactError as exc:
            log.warning("kept model %s: %s", current.version if current else "(none)", exc)
            return False
        finally:
            self._lock.release()
        log.info("now serving model %s from %s", served.version, self.source.name)
        return True

    def _unchanged(self, current: ServedModel, stamp: Stamp) -> bool:
        """A new stamp whose verified header holds the model already serving: keep it, note the stamp.

        The signature is checked here too: a changed file claiming the same version is either the
        same model (touched, copied back) or a forgery, and only verification tells which.
        """
        try:
            meta = self.source.verify(stamp)
        except ArtifactError as exc:
            self._refused(stamp, exc)
            raise
        if meta.get("model_version") != current.meta.get("model_version") or served_order(meta) != served_order(current.meta):
            return False
        self._current = ServedModel(current.model, current.meta, stamp)
        self._failed, self.last_error = None, ""  # whatever was refused before, the file is good now
        log.info("%s changed but holds model %s, already serving (verified)", self.source.name, current.version)
        return True

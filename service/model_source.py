"""Where a process gets the model it serves: a file (one machine) or the database (replicas).

``ModelHolder`` asks its source three things: a cheap ``stamp()`` that changes when a new model
is there, ``load()`` (verify, then unpickle), and ``verify(stamp)`` (the verified header, nothing
unpickled) to tell a touched file from a retrained or forged one. ``FileSource`` is what the holder always did with ``models/model.joblib``.
``DatabaseSource`` reads the PostgreSQL ``models`` table: a background thread polls the newest
published version every ``poll_seconds`` (one small query) and asks the holder to swap, so a
request never waits on the database and a database outage only delays the next swap.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol

from recommender.artifact import LoadedArtifact, load_artifact, verify_artifact
from recommender.errors import ArtifactError, KdramaError

__all__ = ["DatabaseSource", "FileSource", "ModelSource", "describe", "holder_for", "model_source"]

log = logging.getLogger(__name__)


class ModelSource(Protocol):
    name: str  # what messages call it
    check_interval: float  # how often the holder may compare stamps on the request path
    explicit_order: bool  # True: every new stamp was published on purpose (an older one is a rollback)

    def stamp(self) -> Any: ...
    def load(self) -> LoadedArtifact: ...
    def verify(self, stamp: Any) -> dict[str, Any]: ...
    def start(self, holder) -> None: ...
    def close(self) -> None: ...


class FileSource:
    """A signed artifact file; the stamp is (mtime_ns, size, inode): os.replace always changes the inode."""

    def __init__(self, path: str | Path, key: bytes | str | None = None):
        self.path, self.key = Path(path), key
        self.name = str(self.path)
        self.check_interval = 1.0  # a stat per second per process
        self.explicit_order = False  # anyone may copy an old file here: the holder checks the order

    def stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def load(self) -> LoadedArtifact:
        return load_artifact(self.path, key=self.key)

    def verify(self, stamp: Any) -> dict[str, Any]:
        meta, _ = verify_artifact(self.path, self.key)  # the key and the HMAC over the whole file
        return meta

    def start(self, holder) -> None:
        """Nothing to watch: requests call ``holder.maybe_reload()`` (a stat)."""

    def close(self) -> None:
        pass


class DatabaseSource:
    """The newest published version in the ``models`` table; the stamp is (version, published_at)."""

    def __init__(self, url: str, key: bytes | str | None = None, poll_seconds: float = 1.0):
        from recommender.model_registry import ModelRegistry
        from recommender.store_pg import PostgresReviewStore

        self.key, self.poll_seconds = key, poll_seconds
        self.store = PostgresReviewStore(url)
        self.registry = ModelRegistry(self.store)
        self.name = f"{self.store.path} (models table)"
        self.check_interval = 0.0  # stamp() reads memory: the poller's news is taken at once
        self.explicit_order = True  # the newest published row is served: `kdrama models rollback` republishes
        self._newest: tuple[str, str] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.poll()

    def poll(self) -> tuple[str, str] | None:
        """Ask the database for the newest stamp; on an error keep the last one known."""
        try:
            newest = self.registry.newest()
        except KdramaError as exc:
            log.warning("cannot check for a new model: %s", exc)
            return self._newest
        self._newest = newest.stamp if newest else None
        return self._newest

    def stamp(self) -> tuple[str, str] | None:
        return self._newest  # no query here: this runs on the request path

    def load(self) -> LoadedArtifact:
        try:
            row, loaded = self.registry.load(key=self.key)
        except ArtifactError:
            raise
        except KdramaError as exc:  # the database is unreachable: the old model keeps serving
            raise ArtifactError(f"{self.name}: cannot fetch the model ({exc})") from None
        self._newest = row.stamp  # what was just loaded, so the next poll compares with it
        return loaded

    def verify(self, stamp: Any) -> dict[str, Any]:
        # rows are verified when loaded; a new stamp of the same version is a republish of those bytes
        return {"model_version": stamp[0]} if stamp else {}

    def start(self, holder) -> None:
        def watch() -> None:
            while not self._stop.wait(self.poll_seconds):
                self.poll()
                holder.maybe_reload()  # never raises; a refused version is logged and not retried

        self._thread = threading.Thread(target=watch, name="kdrama-model-poll", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.store.close()


def model_source(settings) -> ModelSource:
    """The database's models table when KDRAMA_DATABASE_URL is PostgreSQL, else the model file."""
    from recommender.database import is_postgres

    if is_postgres(settings.database_url):
        return DatabaseSource(settings.database_url, poll_seconds=settings.model_poll_seconds)
    return FileSource(settings.model_path)


def holder_for(settings):
    """The ModelHolder a process serves from, over the source its settings name."""
    from .holder import ModelHolder

    source = model_source(settings)
    return ModelHolder(settings.model_path, source=source, check_interval=source.check_interval,
                       allow_older=settings.allow_older_model)


def describe(settings) -> dict[str, Any]:
    """The header of what would be served, without unpickling: for `kdrama serve` to fail early."""
    from recommender.database import is_postgres

    if not is_postgres(settings.database_url):
        meta, _ = verify_artifact(settings.model_path)  # the key, the signature, the whole length
        return meta
    from recommender.model_registry import ModelRegistry, signing_key
    from recommender.store_pg import PostgresReviewStore

    signing_key()  # every replica verifies: no key, no start
    with PostgresReviewStore(settings.database_url) as store:
        newest = ModelRegistry(store).newest()
        if newest is None:
            raise ArtifactError(ModelRegistry(store)._missing(None))
        return newest.meta

"""Model artifacts in PostgreSQL: the ``models`` table, so replicas need no shared filesystem.

Each row is one whole signed artifact file (the bytes ``save_artifact`` writes) with its version,
trained_at, signature and header. The version served is the one published last
(``published_at``); ``rollback`` re-publishes an older one. Publishing and pruning to the newest
``keep`` versions happen in one transaction, so a replica sees a version whole or not at all.
Every replica verifies the HMAC signature (``KDRAMA_ARTIFACT_KEY``, the same secret on every
replica) before it unpickles a fetched artifact: the database is not trusted to run code.

``retrain_into_database`` is ``retraining.retrain`` for this backend: under the cross-replica
retrain lock it trains into a temp dir, verifies, publishes, and records the run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .artifact import KEY_ENV, load_artifact, read_header
from .config import TrainConfig
from .errors import ArtifactError, DataError
from .store_pg import PostgresReviewStore
from .training import TrainResult

__all__ = ["DEFAULT_KEEP", "KEEP_ENV", "ModelRegistry", "ModelVersion", "retrain_into_database", "signing_key"]

DEFAULT_KEEP = 5  # versions kept for rollback; a few MB each
KEEP_ENV = "KDRAMA_MODELS_KEEP"

_COLUMNS = "version, trained_at, signature, meta, published_at, octet_length(bytes) AS size"


@dataclass(frozen=True)
class ModelVersion:
    version: str
    trained_at: str
    signature: str
    meta: dict[str, Any]
    published_at: str
    size: int

    @property
    def stamp(self) -> tuple[str, str]:
        """What a replica compares to know whether something new was published (a rollback included)."""
        return (self.version, self.published_at)


def signing_key() -> bytes:
    """The artifact key from the environment: a key file beside a temp model would sign for nobody else."""
    key = os.environ.get(KEY_ENV, "")
    if not key:
        raise ArtifactError(f"models in PostgreSQL are verified by every replica: set ${KEY_ENV} to the same "
                            f"secret on each one (and where you retrain)")
    return key.encode()


def _version(row: dict[str, Any]) -> ModelVersion:
    meta = row["meta"] if isinstance(row["meta"], dict) else json.loads(row["meta"])
    return ModelVersion(row["version"], row["trained_at"], row["signature"], meta, row["published_at"].isoformat(),
                        int(row["size"]))


class ModelRegistry:
    """The ``models`` table of a PostgreSQL store."""

    def __init__(self, store: PostgresReviewStore, keep: int | None = None):
        keep = keep if keep is not None else int(os.environ.get(KEEP_ENV, DEFAULT_KEEP))
        if keep < 1:
            raise ValueError(f"${KEEP_ENV} must be at least 1 (the version serving), got {keep}")
        self.store, self.keep = store, keep

    def publish(self, path: str | Path) -> ModelVersion:
        """Insert a signed artifact file as the newest version and prune old ones, in one transaction."""
        meta, signature, _ = read_header(path)
        data = Path(path).read_bytes()
        with self.store.transaction() as conn:
            row = conn.execute(
                "INSERT INTO models (version, trained_at, signature, bytes, meta) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (version) DO UPDATE SET published_at = clock_timestamp() "
                f"RETURNING {_COLUMNS}",
                (meta["model_version"], str(meta.get("trained_at", "")), signature, data, json.dumps(meta)),
            ).fetchone()
            conn.execute("DELETE FROM models WHERE version NOT IN "
                         "(SELECT version FROM models ORDER BY published_at DESC LIMIT %s)", (self.keep,))
        return _version(row)

    def versions(self) -> list[ModelVersion]:
        """Every kept version, the one serving first."""
        return [_version(r) for r in self.store._execute(f"SELECT {_COLUMNS} FROM models ORDER BY published_at DESC")]

    def newest(self) -> ModelVersion | None:
        """The version replicas serve (cheap: no bytes)."""
        rows = self.store._execute(f"SELECT {_COLUMNS} FROM models ORDER BY published_at DESC LIMIT 1")
        return _version(rows[0]) if rows else None

    def fetch(self, version: str | None = None) -> tuple[ModelVersion, bytes]:
        """One version's row and artifact bytes (the newest by default)."""
        if version is None:
            rows = self.store._execute(f"SELECT {_COLUMNS}, bytes FROM models ORDER BY published_at DESC LIMIT 1")
        else:
            rows = self.store._execute(f"SELECT {_COLUMNS}, bytes FROM models WHERE version = %s", (version,))
        if not rows:
            raise ArtifactError(self._missing(version))
        return _version(rows[0]), bytes(rows[0]["bytes"])

    def export(self, out: str | Path, version: str | None = None) -> ModelVersion:
        """Write one version to a file (atomically), e.g. to serve it from a single machine."""
        row, data = self.fetch(version)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(f"{out.name}.{os.getpid()}.part")
        part.write_bytes(data)
        os.replace(part, out)
        return row

    def load(self, version: str | None = None, key: bytes | str | None = None):
        """Fetch, check the row against the file's header, verify the signature, unpickle: (row, LoadedArtifact)."""
        row, data = self.fetch(version)
        with tempfile.TemporaryDirectory(prefix="kdrama-model-") as folder:
            path = Path(folder) / f"{row.version}.joblib"
            path.write_bytes(data)
            meta, signature, _ = read_header(path)
            if signature != row.signature or meta.get("model_version") != row.version:
                raise ArtifactError(f"models table, version {row.version}: the row does not match the artifact it holds; "
                                    f"refusing to load it")
            loaded = load_artifact(path, key=key or signing_key())
        return row, loaded

    def rollback(self, version: str) -> ModelVersion:
        """Serve an older kept version again: it becomes the newest published."""
        rows = self.store._execute(f"UPDATE models SET published_at = clock_timestamp() WHERE version = %s "
                                   f"RETURNING {_COLUMNS}", (version,))
        if not rows:
            raise DataError(self._missing(version))
        return _version(rows[0])

    def _missing(self, version: str | None) -> str:
        if version is None:
            return (f"{self.store.path}: no model in the database yet; run `kdrama retrain --database URL` "
                    f"(with ${KEY_ENV} set) to train and publish one")
        kept = ", ".join(v.version for v in self.versions()) or "none"
        return f"{self.store.path}: no model version {version!r} (kept: {kept}); see `kdrama models list`"


def retrain_into_database(
    shows_path: str | Path,
    review_paths: Sequence[str | Path],
    store: PostgresReviewStore,
    force: bool = False,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
    validate: Callable[[Path], None] | None = None,
    wait: bool = True,
    keep: int | None = None,
) -> TrainResult:
    """Under the cross-replica retrain lock (``wait=False``: RetrainBusyError if held): train on
    files + store, verify, publish, record the run. Skipped when the inputs match the serving version.
    ``validate(path)`` runs after publishing (the service swaps the new model in there)."""
    from .retraining import recorded_run
    from .training import train

    key = signing_key()
    registry = ModelRegistry(store, keep)
    with store.retrain_lock(wait=wait), tempfile.TemporaryDirectory(prefix="kdrama-retrain-") as folder:
        out = Path(folder) / "model.joblib"

        def work(extra_shows, extra_reviews) -> TrainResult:
            if not force and registry.newest() is not None:
                registry.export(out)  # train() compares its fingerprint and skips when nothing changed
            result = train(shows_path, review_paths, out, config=config, extra_shows=extra_shows,
                           extra_reviews=extra_reviews, force=force, progress=progress)
            if not result.skipped:
                load_artifact(out, key=key)  # a model that does not load never reaches the replicas
                registry.publish(out)
                if validate is not None:
                    validate(out)
            return result

        return recorded_run(store, work)

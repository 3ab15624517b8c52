"""Save/load of the one model file: schema version, signature check, atomic write.

Layout: a magic line, a JSON header line (schema version, metadata, HMAC-SHA256 signature),
then the payload: the model pickled (protocol 5) and zlib-compressed at level 1. The header is
read and the signature verified *before* anything is unpickled: pickle runs code, so an unsigned
or tampered file is never loaded.

Why not joblib: ``joblib.load`` unpickles with the pure-Python ``pickle._Unpickler`` (to rebuild
its numpy wrappers), 1.0 s for a 5k-show model against 0.3 s for the C unpickler plus zlib. Files
written by joblib (schema 3, before issue 18) still load: they lack the payload's marker line.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ArtifactError, IncompatibleArtifactError

__all__ = ["SCHEMA_VERSION", "LoadedArtifact", "load_artifact", "read_header", "resolve_key", "rollback_artifact",
           "save_artifact", "served_order", "verify_artifact"]

# 1: first version (blocks text/tags/genres/cast + numeric + popularity, HMAC-signed)
# 2: fitted blend (synopsis block, title mentions, LSA summaries, rating prior, franchise codes)
# 3: split configs (TrainConfig/QueryConfig), crew blocks, reasons explainer, franchise policy arrays
SCHEMA_VERSION = 3
MAGIC = b"KDRAMA-MODEL\n"
PAYLOAD = b"pickle5+zlib\n"  # the payload's format; without it, a joblib payload (written before issue 18)
KEY_ENV = "KDRAMA_ARTIFACT_KEY"


@dataclass
class LoadedArtifact:
    model: Any
    meta: dict[str, Any]


def key_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".key")


def resolve_key(path: str | Path, key: bytes | str | None = None, create: bool = False) -> bytes:
    """The signing key: explicit, else $KDRAMA_ARTIFACT_KEY, else a key file beside the model."""
    if key:
        return key.encode() if isinstance(key, str) else key
    env = os.environ.get(KEY_ENV, "")
    if env:
        return env.encode()
    file = key_path(path)
    if file.exists():
        return file.read_bytes().strip()
    if not create:
        raise ArtifactError(f"{path}: no signing key (set ${KEY_ENV} or keep {file.name} beside the model); retrain to make one")
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_hex(32).encode())
    return file.read_bytes().strip()


def _sign(key: bytes, header: bytes, payload: bytes) -> str:
    mac = hmac.new(key, header, hashlib.sha256)
    mac.update(b"\n")
    mac.update(payload)
    return mac.hexdigest()


def _versions() -> dict[str, str]:
    import sklearn

    from . import __version__

    return {"package_version": __version__, "sklearn_version": sklearn.__version__}


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S.%fZ")


def served_order(meta: dict[str, Any]) -> str:
    """What orders two model files in time: when it was rolled back to, else when it was trained.

    A running service never moves to a file whose order is earlier than the one it serves; only
    ``rollback_artifact`` (``kdrama models rollback --file``) makes an older model newer in this sense.
    """
    return str(meta.get("rolled_back_at") or meta.get("model_version") or "")


def save_artifact(model, path: str | Path, key: bytes | str | None = None, **meta: Any) -> dict[str, Any]:
    """Write the model atomically (temp file, fsync, os.replace); returns the metadata written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    signing_key = resolve_key(path, key, create=True)
    now = datetime.now(UTC)
    stats = model.stats()
    fingerprint = meta.pop("fingerprint", "")
    header_meta = {
        "schema_version": SCHEMA_VERSION,
        "model_version": _stamp(now) + (f"-{fingerprint[:8]}" if fingerprint else ""),
        "trained_at": now.isoformat(timespec="seconds"),
        "fingerprint": fingerprint,
        "n_shows": stats.n_shows,
        "n_reviews": stats.n_reviews,
        "vocabulary": stats.vocabulary,
        "n_tags": stats.n_tags,
        **_versions(),
        **meta,
    }
    # level 1: level 3 cost seconds of training for a few MB
    payload = PAYLOAD + zlib.compress(pickle.dumps(model, protocol=5), 1)
    header = json.dumps(header_meta, sort_keys=True).encode()
    signature = _sign(signing_key, header, payload)
    _write_atomically(path, header_meta, signature, payload)
    return header_meta


def _write_atomically(path: Path, meta: dict[str, Any], signature: str, payload: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as handle:
            handle.write(MAGIC)
            handle.write(json.dumps({"meta": meta, "signature": signature}, sort_keys=True).encode() + b"\n")
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # a full disk says which file, and that the old model is untouched
        tmp.unlink(missing_ok=True)
        raise OSError(exc.errno, f"{exc.strerror}; the previous model is unchanged", str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)
    except OSError:
        pass


def rollback_artifact(source: str | Path, target: str | Path, key: bytes | str | None = None) -> dict[str, Any]:
    """Put the model in ``source`` back at ``target`` on purpose: verified, stamped ``rolled_back_at``
    (so a running service takes it although its model_version is older), re-signed, written atomically."""
    target = Path(target)
    meta, payload = verify_artifact(source, key)  # with its own key (beside it, or $KDRAMA_ARTIFACT_KEY)
    signing_key = resolve_key(target, key)  # signed again with the key the service verifies with
    meta = {**meta, "rolled_back_at": _stamp(datetime.now(UTC))}
    header = json.dumps(meta, sort_keys=True).encode()
    _write_atomically(target, meta, _sign(signing_key, header, payload), payload)
    return meta


def read_header(path: str | Path) -> tuple[dict[str, Any], str, bytes]:
    """(metadata, signature, payload) without unpickling anything."""
    path = Path(path)
    if not path.exists():
        raise ArtifactError(f"{path}: no model file; run `kdrama train` (or `python train.py`) first")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"{path}: cannot read model file ({exc.strerror})") from None
    if not data.startswith(MAGIC):
        raise ArtifactError(f"{path}: not a kdrama model file (bad magic header); retrain it")
    rest = data[len(MAGIC):]
    line, sep, payload = rest.partition(b"\n")
    try:
        header = json.loads(line)
        meta, signature = header["meta"], header["signature"]
        version = meta["schema_version"]
    except (ValueError, KeyError, TypeError):
        raise ArtifactError(f"{path}: corrupt model header; retrain it") from None
    if type(version) is not int or version != SCHEMA_VERSION:  # "2" (a string) is not version 2
        raise IncompatibleArtifactError(
            f"{path}: model schema version {version!r}, this engine reads version {SCHEMA_VERSION}; retrain with `kdrama train`"
        )
    return meta, signature, payload


def _unpickle(payload: bytes) -> Any:
    if payload.startswith(PAYLOAD):
        return pickle.loads(zlib.decompress(memoryview(payload)[len(PAYLOAD):]))
    import joblib

    return joblib.load(io.BytesIO(payload))


def verify_artifact(path: str | Path, key: bytes | str | None = None) -> tuple[dict[str, Any], bytes]:
    """(metadata, payload) once the key is found and the signature verifies; nothing is unpickled.

    Cheap enough to run before starting workers: a missing key, a bad signature or a truncated
    file is one ArtifactError here, not a traceback in every worker.
    """
    meta, signature, payload = read_header(path)
    signing_key = resolve_key(path, key)
    header = json.dumps(meta, sort_keys=True).encode()
    if not hmac.compare_digest(_sign(signing_key, header, payload), str(signature)):
        raise ArtifactError(f"{path}: signature does not verify (file corrupt, truncated, tampered with, or signed with "
                            "another key); refusing to load it")
    return meta, payload


def load_artifact(path: str | Path, key: bytes | str | None = None) -> LoadedArtifact:
    """Verify, then unpickle. Raises IncompatibleArtifactError or ArtifactError (corrupt, tampered)."""
    meta, payload = verify_artifact(path, key)
    try:
        model = _unpickle(payload)
    except Exception as exc:  # a signed file that still fails is corrupt in a way we cannot fix
        raise ArtifactError(f"{path}: model payload unreadable ({type(exc).__name__}); retrain it") from None
    from .model import Recommender

    if not isinstance(model, Recommender):  # signed by our key, yet not a model: never serve it
        raise ArtifactError(f"{path}: the signed payload is a {type(model).__name__}, not a Recommender; retrain it")
    model.attach_meta(meta)
    return LoadedArtifact(model=model, meta=meta)

"""The model file: round trip, corrupt file, wrong schema version, tampering, atomic write."""

from __future__ import annotations

import json

import pytest

from recommender import Recommender
from recommender.artifact import MAGIC, SCHEMA_VERSION, load_artifact, read_header
from recommender.errors import ArtifactError, IncompatibleArtifactError


def test_round_trip(tiny_model_path):
    loaded = load_artifact(tiny_model_path)
    assert loaded.meta["schema_version"] == SCHEMA_VERSION
    assert loaded.meta["n_shows"] == 6 and loaded.meta["n_reviews"] == 6
    for key in ("package_version", "sklearn_version", "trained_at", "fingerprint", "model_version", "vocabulary"):
        assert loaded.meta[key]
    model = Recommender.load(tiny_model_path)
    assert [r.show_id for r in model.similar("c1", k=2)] == [r.show_id for r in loaded.model.similar("c1", k=2)]
    assert not list(tiny_model_path.parent.glob("*.part")), "no temp file is left behind"


def test_missing_file(tmp_path):
    with pytest.raises(ArtifactError, match="no model file; run `kdrama train`"):
        load_artifact(tmp_path / "nothing.joblib")


def test_corrupt_file(tiny_model_path):
    tiny_model_path.write_bytes(b"garbage, not a model")
    with pytest.raises(ArtifactError, match="not a kdrama model file"):
        load_artifact(tiny_model_path)


def test_truncated_file_fails_the_signature(tiny_model_path):
    data = tiny_model_path.read_bytes()
    tiny_model_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArtifactError, match="signature does not verify"):
        load_artifact(tiny_model_path)


def test_tampered_payload_is_never_unpickled(tiny_model_path, monkeypatch):
    data = bytearray(tiny_model_path.read_bytes())
    data[-10] ^= 0xFF
    tiny_model_path.write_bytes(bytes(data))
    import recommender.artifact as artifact

    monkeypatch.setattr(artifact, "_unpickle", lambda *a, **k: pytest.fail("unpickled a tampered file"))
    with pytest.raises(ArtifactError, match="signature does not verify"):
        load_artifact(tiny_model_path)


def test_wrong_key_is_refused(tiny_model_path):
    with pytest.raises(ArtifactError, match="signature does not verify"):
        load_artifact(tiny_model_path, key=b"another key")


def test_other_schema_version(tiny_model_path):
    data = tiny_model_path.read_bytes()
    line, _, payload = data[len(MAGIC):].partition(b"\n")
    header = json.loads(line)
    header["meta"]["schema_version"] = SCHEMA_VERSION + 1
    tiny_model_path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + payload)
    with pytest.raises(IncompatibleArtifactError, match=f"schema version {SCHEMA_VERSION + 1}.*retrain"):
        load_artifact(tiny_model_path)


def test_failed_write_keeps_the_old_file(tiny_model_path, tiny_model, monkeypatch):
    before = tiny_model_path.read_bytes()
    import recommender.artifact as artifact

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(artifact.pickle, "dumps", boom)
    with pytest.raises(OSError):
        tiny_model.save(tiny_model_path)
    assert tiny_model_path.read_bytes() == before
    assert read_header(tiny_model_path)[0]["n_shows"] == 6


# ---- issue 17, item 6a and the schema-version type ------------------------------------------------
def _rewrite_header(path, change):
    """Rewrite the header (and sign it again with the file's own key): a correctly signed variant."""
    from recommender.artifact import _sign, resolve_key

    data = path.read_bytes()[len(MAGIC):]
    line, _, payload = data.partition(b"\n")
    header = json.loads(line)
    meta = change(header["meta"])
    key = resolve_key(path)
    signature = _sign(key, json.dumps(meta, sort_keys=True).encode(), payload)
    path.write_bytes(MAGIC + json.dumps({"meta": meta, "signature": signature}, sort_keys=True).encode() + b"\n" + payload)


def test_a_schema_version_string_is_not_the_version_number(tiny_model_path):
    _rewrite_header(tiny_model_path, lambda meta: {**meta, "schema_version": str(SCHEMA_VERSION)})
    with pytest.raises(IncompatibleArtifactError, match=f"version '{SCHEMA_VERSION}', this engine reads version {SCHEMA_VERSION}"):
        read_header(tiny_model_path)


def _write_joblib_payload(path, obj):
    """A correctly signed file whose payload is joblib's (as written before issue 18)."""
    import io

    import joblib

    from recommender.artifact import _sign, resolve_key

    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=1)
    meta, _, _ = read_header(path)
    payload = buffer.getvalue()
    signature = _sign(resolve_key(path), json.dumps(meta, sort_keys=True).encode(), payload)
    path.write_bytes(MAGIC + json.dumps({"meta": meta, "signature": signature}, sort_keys=True).encode() + b"\n" + payload)


def test_a_signed_payload_that_is_not_a_recommender_is_an_artifact_error(tiny_model_path, tmp_path):
    _write_joblib_payload(tiny_model_path, {"not": "a model"})
    with pytest.raises(ArtifactError, match="the signed payload is a dict, not a Recommender"):
        load_artifact(tiny_model_path)


def test_a_joblib_payload_of_the_same_schema_still_loads(tiny_model_path, tiny_model):
    """Files written before the pickle5+zlib payload (issue 18) load through joblib, with the same answers."""
    _write_joblib_payload(tiny_model_path, tiny_model)
    loaded = load_artifact(tiny_model_path).model
    assert [r.show_id for r in loaded.similar("c1", k=5)] == [r.show_id for r in tiny_model.similar("c1", k=5)]

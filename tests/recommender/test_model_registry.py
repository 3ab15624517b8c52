"""recommender/model_registry.py and `kdrama models`: signed artifacts in PostgreSQL's models table."""

from __future__ import annotations

import psycopg
import pytest

from recommender.cli import main
from recommender.errors import ArtifactError, DataError
from recommender.model_registry import ModelRegistry, retrain_into_database
from recommender.retraining import retrain
from recommender.store_pg import PostgresReviewStore, RetrainBusyError

KEY = "test-artifact-key"


@pytest.fixture
def store(pg_url, monkeypatch):
    monkeypatch.setenv("KDRAMA_ARTIFACT_KEY", KEY)
    with PostgresReviewStore(pg_url) as opened:
        yield opened


def _retrain(store, tiny_files, **options):
    return retrain(tiny_files[0], [tiny_files[1]], store, "unused/model.joblib", **options)


def test_a_retrain_publishes_into_the_table_and_writes_no_file(store, tiny_files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _retrain(store, tiny_files)
    assert not result.skipped and not (tmp_path / "unused").exists()
    registry = ModelRegistry(store)
    [row] = registry.versions()
    assert row.version == result.meta["model_version"] and row.meta["n_shows"] == 6 and row.size > 1000
    _, loaded = registry.load()
    assert loaded.model.similar("c1", k=2)[0].show_id in {"c2", "c3"}
    last = store.last_run()
    assert (last.outcome, last.model_version) == ("trained", row.version)


def test_unchanged_inputs_skip_and_force_publishes_a_new_version(store, tiny_files):
    first = _retrain(store, tiny_files)
    again = _retrain(store, tiny_files)
    assert again.skipped and again.meta["model_version"] == first.meta["model_version"]
    forced = _retrain(store, tiny_files, force=True)
    assert [v.version for v in ModelRegistry(store).versions()] == [forced.meta["model_version"], first.meta["model_version"]]
    assert [r.outcome for r in store.runs()] == ["trained", "skipped", "trained"]


def test_only_the_newest_versions_are_kept(store, tiny_files, monkeypatch):
    monkeypatch.setenv("KDRAMA_MODELS_KEEP", "2")
    versions = [_retrain(store, tiny_files, force=True).meta["model_version"] for _ in range(3)]
    assert [v.version for v in ModelRegistry(store).versions()] == versions[:0:-1]


def test_rollback_serves_an_older_version_again(store, tiny_files):
    old = _retrain(store, tiny_files).meta["model_version"]
    new = _retrain(store, tiny_files, force=True).meta["model_version"]
    registry = ModelRegistry(store)
    first_stamp = registry.newest().stamp
    assert registry.rollback(old).version == old
    assert registry.newest().version == old and registry.newest().stamp != first_stamp
    with pytest.raises(DataError, match=f"no model version 'nope' .*kept: {old}, {new}"):
        registry.rollback("nope")


def test_a_tampered_or_foreign_artifact_is_refused_before_unpickling(store, tiny_files, pg_url, monkeypatch):
    _retrain(store, tiny_files)
    registry = ModelRegistry(store)
    with pytest.raises(ArtifactError, match="signature does not verify"):
        registry.load(key=b"another replica's key")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE models SET bytes = overlay(bytes placing '\\x00'::bytea from octet_length(bytes) - 10)")
    with pytest.raises(ArtifactError, match="signature does not verify"):
        registry.load()


def test_without_a_shared_key_nothing_is_trained(store, tiny_files, monkeypatch):
    monkeypatch.delenv("KDRAMA_ARTIFACT_KEY")
    with pytest.raises(ArtifactError, match="KDRAMA_ARTIFACT_KEY"):
        _retrain(store, tiny_files)
    assert ModelRegistry(store).versions() == []


def test_a_retrain_elsewhere_makes_this_one_busy_and_is_not_recorded(store, tiny_files, pg_url):
    with PostgresReviewStore(pg_url) as other, other.retrain_lock():
        with pytest.raises(RetrainBusyError):
            retrain_into_database(tiny_files[0], [tiny_files[1]], store, wait=False)
    assert store.runs() == []
    assert not store.retrain_lock_held()


def test_a_failed_retrain_is_recorded_and_publishes_nothing(store, tiny_files):
    def refuse(path):
        raise DataError("validation refused it")

    good = _retrain(store, tiny_files).meta["model_version"]
    with pytest.raises(DataError):
        _retrain(store, tiny_files, force=True, validate=refuse)
    assert store.last_run().outcome == "failed" and store.last_run().error == "validation refused it"
    assert ModelRegistry(store).newest().version != good  # validate runs after publishing, as with files


def test_models_cli_lists_rolls_back_and_exports(store, tiny_files, pg_url, tmp_path, capsys):
    old = _retrain(store, tiny_files).meta["model_version"]
    new = _retrain(store, tiny_files, force=True).meta["model_version"]
    assert main(["models", "list", "--database", pg_url]) == 0
    listing = capsys.readouterr().out
    assert listing.index(new) < listing.index(old) and f"* {new}" in listing
    assert main(["models", "rollback", old, "--database", pg_url]) == 0
    assert f"serving {old}" in capsys.readouterr().out
    assert main(["models", "export", "--out", str(tmp_path / "m.joblib"), "--database", pg_url]) == 0
    from recommender.artifact import load_artifact

    assert load_artifact(tmp_path / "m.joblib", key=KEY).meta["model_version"] == old
    assert main(["models", "rollback", "nope", "--database", pg_url]) == 2
    assert "no model version 'nope'" in capsys.readouterr().err


def test_models_cli_on_sqlite_says_where_the_model_is(capsys, tmp_path):
    assert main(["models", "list", "--database", f"sqlite:///{tmp_path}/r.db"]) == 2
    assert "only on PostgreSQL" in capsys.readouterr().err


def test_kdrama_retrain_and_ingest_take_database(pg_url, tiny_files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KDRAMA_ARTIFACT_KEY", KEY)
    posted = tmp_path / "new.jsonl"
    posted.write_text('{"show_id": "c1", "text": "A brand new review about friends to lovers."}\n')
    assert main(["ingest", str(posted), "--shows", str(tiny_files[0]), "--database", pg_url]) == 0
    assert main(["retrain", "--database", pg_url, "--shows", str(tiny_files[0]), "--reviews", str(tiny_files[1]),
                 "--quiet"]) == 0
    assert "store: 1 reviews" in capsys.readouterr().out
    with PostgresReviewStore(pg_url) as store:
        assert ModelRegistry(store).newest().meta["n_reviews"] == 7

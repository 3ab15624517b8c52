"""service/model_source.py: serving from PostgreSQL's models table (poll, verify, swap, refuse,
roll back), and `kdrama serve --database` failing early in one line."""

from __future__ import annotations

import json
import os
import time

import pytest

from recommender.cli import main
from recommender.model_registry import ModelRegistry
from recommender.retraining import retrain
from recommender.store_pg import PostgresReviewStore
from tests.service.conftest import TestClient, write_catalog

KEY = "source-test-key"


@pytest.fixture
def published(pg_url, tmp_path, monkeypatch):
    """A database holding one model trained on the tiny catalog; returns a retrain(force) helper."""
    monkeypatch.setenv("KDRAMA_ARTIFACT_KEY", KEY)
    shows, reviews = write_catalog(tmp_path / "catalog")

    def publish() -> str:
        with PostgresReviewStore(pg_url) as store:
            return retrain(shows, [reviews], store, force=True).meta["model_version"]

    publish.first = publish()
    return publish


def _wait_for(client, version: str, limit: float = 5.0) -> float:
    started = time.monotonic()
    while client.get("/health").json()["model_version"] != version:
        assert time.monotonic() - started < limit, f"still not serving {version} after {limit} s"
        time.sleep(0.05)
    return time.monotonic() - started


def _publish_tampered(pg_url: str, path) -> str:
    """Publish a copy of the serving artifact whose header was edited after signing (a new version name)."""
    with PostgresReviewStore(pg_url) as store:
        registry = ModelRegistry(store)
        registry.export(path)
        magic, header, payload = path.read_bytes().split(b"\n", 2)
        edited = json.loads(header)
        edited["meta"]["model_version"] = "tampered-1"
        path.write_bytes(b"\n".join([magic, json.dumps(edited, sort_keys=True).encode(), payload]))
        return registry.publish(path).version


def test_a_replica_serves_the_newest_version_refuses_a_tampered_one_and_follows_a_rollback(published, pg_url, tmp_path):
    from service.app import create_app
    from service.settings import Settings

    app = create_app(Settings(database_url=pg_url, model_poll_seconds=0.1, api_token="t"))
    with TestClient(app) as client:
        assert client.get("/health").json()["model_version"] == published.first
        second = published()
        _wait_for(client, second)  # without any request asking for it: the poller swapped it in

        _publish_tampered(pg_url, tmp_path / "tampered.joblib")
        deadline = time.monotonic() + 5
        while not (status := client.get("/admin/status", headers={"Authorization": "Bearer t"}).json())["last_reload_error"]:
            assert time.monotonic() < deadline, "the tampered version was never looked at"
            time.sleep(0.05)
        assert "signature does not verify" in status["last_reload_error"]
        assert status["model_version"] == second  # the tampered one never served

        with PostgresReviewStore(pg_url) as store:
            ModelRegistry(store).rollback(published.first)
        _wait_for(client, published.first)
        assert client.get("/similar", params={"title": "Office Pretend", "k": 2}).status_code == 200


def test_serve_database_without_a_key_or_a_model_says_so_in_one_line(pg_url, monkeypatch, capsys):
    monkeypatch.setattr("service.server.run", lambda *a, **k: pytest.fail("started without a usable model"))
    assert main(["serve", "--database", pg_url]) == 2
    assert "set $KDRAMA_ARTIFACT_KEY" in capsys.readouterr().err
    monkeypatch.setenv("KDRAMA_ARTIFACT_KEY", KEY)
    assert main(["serve", "--database", pg_url]) == 2
    err = capsys.readouterr().err
    assert "no model in the database yet; run `kdrama retrain --database URL`" in err and len(err.strip().splitlines()) == 1


def test_serve_database_passes_the_url_to_the_workers(published, pg_url, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr("service.server.run", lambda host, port, workers, log_level: calls.append(workers) or 0)
    assert main(["serve", "--database", pg_url, "--workers", "2"]) == 0
    assert calls == [2] and os.environ["KDRAMA_DATABASE_URL"] == pg_url
    assert f"serving model {published.first}" in capsys.readouterr().err

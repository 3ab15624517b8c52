"""GET /health."""

from __future__ import annotations

from recommender import __version__
from recommender.artifact import read_header
from tests.service.conftest import SHOWS, strict_json


def test_health_names_the_model_it_serves(client, model_path):
    response = client.get("/health")
    assert response.status_code == 200
    body = strict_json(response)
    meta, _, _ = read_header(model_path)
    assert body["status"] == "ok"
    assert body["model_version"] == meta["model_version"]
    assert body["trained_at"] == meta["trained_at"]
    assert body["schema_version"] == meta["schema_version"]
    assert body["n_shows"] == len(SHOWS)
    assert body["n_reviews"] == 6
    assert body["package_version"] == __version__

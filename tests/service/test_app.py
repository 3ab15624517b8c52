"""service/app.py: the factory, the lifespan, error handling, CORS and the OpenAPI page."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import service.app
from recommender.errors import ArtifactError, InvalidQueryError, NotFittedError
from service.app import create_app, factory
from service.deps import current_model
from service.settings import Settings
from tests.service.conftest import TestClient, strict_json


def test_importing_creates_no_app_and_loads_nothing():
    assert not any(isinstance(value, FastAPI) for value in vars(service.app).values())


def test_factory_reads_the_environment(model_path, monkeypatch):
    monkeypatch.setenv("KDRAMA_MODEL_PATH", str(model_path))
    monkeypatch.setenv("KDRAMA_WEEKEND_MINUTES", "250")
    app = factory()
    assert app.state.settings.weekend_minutes == 250
    with TestClient(app) as client:
        assert client.get("/health").json()["n_shows"] == 14


def test_the_model_loads_in_the_lifespan_not_before(tmp_path):
    app = create_app(Settings(model_path=tmp_path / "missing.joblib"))  # creating is fine
    with pytest.raises(ArtifactError, match="no model file; run `kdrama train`"):
        with TestClient(app):
            pass


def test_a_tampered_model_never_starts(model_path):
    data = bytearray(model_path.read_bytes())
    data[-10] ^= 0xFF
    model_path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="signature does not verify"):
        with TestClient(create_app(Settings(model_path=model_path))):
            pass


def test_unknown_routes_are_plain_404s(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("error, message", [
    (InvalidQueryError("offset", "offset must be 0 or more, got -1"), "offset must be 0 or more, got -1"),
    (NotFittedError("this Recommender is not fitted yet"), "this Recommender is not fitted yet"),
])
def test_engine_refusals_are_422s_with_the_engines_message(client, error, message):
    served = client.app.state.holder.get()

    class Refusing:
        catalog_ = served.model.catalog_

        def recommend(self, *_, **__):
            raise error

    client.app.dependency_overrides[current_model] = lambda: type(served)(Refusing(), served.meta)
    for response in (client.get("/similar", params={"title": "rc-a"}), client.post("/recommend", json={"like": ["rc-a"]})):
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == message


def test_cors_is_off_by_default(client):
    response = client.get("/health", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_configured_origins(make_client):
    client = make_client(cors_origins=["https://example.org"])
    allowed = client.get("/health", headers={"Origin": "https://example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://example.org"
    other = client.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_openapi_documents_every_endpoint_with_examples(client):
    schema = client.get("/openapi.json").json()
    assert {"/health", "/shows", "/shows/{show_id}", "/shows/{show_id}/similar", "/similar", "/recommend"} <= set(schema["paths"])
    similar = schema["paths"]["/similar"]["get"]
    names = {p["name"] for p in similar["parameters"]}
    assert {"title", "k", "offset", "max_episodes", "max_minutes", "weekend", "min_year", "max_year", "network", "genres",
            "tags", "exclude_tags", "exclude", "mmr"} <= names
    assert "404" in similar["responses"] and "422" in similar["responses"]
    components = schema["components"]["schemas"]
    for name in ("RecommendRequest", "SimilarResponse", "RecommendResponse", "ShowDetail", "HealthResponse", "ErrorResponse"):
        assert components[name].get("examples"), name
    assert client.get("/docs").status_code == 200


# ---- no input of any kind is a 500 ------------------------------------------------------------------
PARAMS = ["title", "k", "offset", "max_episodes", "max_minutes", "weekend", "min_year", "max_year", "network", "genres",
          "tags", "exclude_tags", "exclude", "mmr", "q", "limit", "junk"]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
VALUES = st.one_of(TEXT, st.integers().map(str), st.floats().map(str), st.sampled_from(["rc-a", "Office Pretend", "true", ""]))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8,
)
BODIES = st.one_of(JSON, st.fixed_dictionaries({}, optional={
    name: st.one_of(JSON, st.lists(st.sampled_from(["rc-a", "rv-1", "nope"]), max_size=3))
    for name in ["like", "unlike", "text", "exclude", "k", "offset", "weekend", "max_minutes", "genres", "tags", "mmr"]
}))


def test_no_query_string_is_a_500(client):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(params=st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=6), path=TEXT)
    def check(params, path):
        for url in ("/similar", "/shows", f"/shows/{quote(path, safe='')}", f"/shows/{quote(path, safe='')}/similar"):
            response = client.get(url, params=params)
            assert response.status_code in (200, 404, 422), (url, params, response.text)
            strict_json(response)

    check()


def test_no_body_is_a_500(client):
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=BODIES)
    def check(body):
        # json.dumps writes NaN and Infinity as bare words, which Python's parser then accepts
        response = client.post("/recommend", content=json.dumps(body), headers={"content-type": "application/json"})
        assert response.status_code in (200, 404, 422), (body, response.text)
        strict_json(response)

    check()


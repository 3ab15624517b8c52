"""Fuzzing the API from its own OpenAPI schema: generated requests to every operation, with and
without the token; no 5xx, and every response valid against the schema.

The run counts its requests; the last test checks that at least 1,000 went out.
"""

from __future__ import annotations

import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from tests.service.conftest import copy_model

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from fastapi.testclient import TestClient

TOKEN = "fuzz-token-not-secret"
SENT = {"requests": 0, "by_status": {}}


@pytest.fixture(scope="module")
def fuzz_app(tiny_model_file, tmp_path_factory):
    from service.app import create_app
    from service.settings import Settings

    folder = tmp_path_factory.mktemp("fuzz")
    model = copy_model(tiny_model_file, folder / "model.joblib")
    app = create_app(Settings(model_path=model, db_path=folder / "reviews.sqlite3", api_token=TOKEN,
                              shows_path=tiny_model_file.parent / "shows.csv",
                              reviews_paths=[tiny_model_file.parent / "reviews.jsonl"]))
    with TestClient(app):  # runs the lifespan: model loaded, review store open
        yield app


@pytest.fixture(scope="module")
def operations(fuzz_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_is_fuzzed(operations):
    # schemathesis' pytest plugin does not load under this pytest; Hypothesis drives it instead
    assert len(operations) >= 8
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):  # valid inputs, then invalid ones
            fuzz_operation(operation, mode)


def fuzz_operation(operation, mode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        # half the cases carry the token, so the write and admin paths are fuzzed past the auth check
        headers = {"Authorization": f"Bearer {TOKEN}"} if SENT["requests"] % 2 else {}
        response = case.call(headers=headers)
        SENT["requests"] += 1
        SENT["by_status"][response.status_code] = SENT["by_status"].get(response.status_code, 0) + 1
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
        case.validate_response(response, checks=(not_a_server_error, response_schema_conformance, content_type_conformance))

    try:
        run()
    except Unsatisfiable:
        # an operation with no parameters has no invalid input to generate
        assert mode == GenerationMode.NEGATIVE, operation.label


def test_at_least_a_thousand_requests_were_fuzzed():
    print("fuzzed requests by status:", dict(sorted(SENT["by_status"].items())))
    if SENT["requests"] == 0:
        pytest.skip("run together with the fuzz test above")
    assert SENT["requests"] >= 1000, SENT

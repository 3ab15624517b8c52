"""Security checks: tokens, constant-time compares, bounded requests, no paths from requests,
CORS off by default, and no token in logs."""

from __future__ import annotations

import hmac
import logging

import pytest

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def guarded(make_client):
    return make_client(api_token=TOKEN)


@pytest.mark.parametrize("path, body", [("/reviews", {"show_id": "rc-a", "text": "Nice."}), ("/admin/retrain", None)])
def test_write_and_admin_refuse_without_a_valid_token(guarded, make_client, path, body):
    assert guarded.post(path, json=body).status_code == 401
    assert guarded.post(path, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.post(path, json=body, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    unconfigured = make_client()
    refused = unconfigured.post(path, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert refused.status_code == 403 and "KDRAMA_API_TOKEN" in refused.json()["detail"]


def test_admin_status_needs_the_token_too(guarded):
    assert guarded.get("/admin/status").status_code == 401
    assert guarded.get("/admin/status", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_token_is_compared_in_constant_time(guarded, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    guarded.get("/admin/status", headers={"Authorization": "Bearer nope"})
    assert calls, "the token check must go through hmac.compare_digest"


def test_oversized_body_is_refused_before_parsing(make_client):
    client = make_client(api_token=TOKEN, max_body_bytes=10_000)
    response = client.post("/reviews", content=b'{"show_id": "rc-a", "text": "' + b"x" * 50_000 + b'"}',
                           headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert response.status_code == 413 and "10000 bytes" in response.json()["detail"]


def test_chunked_oversized_body_is_refused(make_client):
    client = make_client(api_token=TOKEN, max_body_bytes=10_000)

    def chunks():
        yield b'{"like": ["rc-a"], "text": "'
        for _ in range(50):
            yield b"y" * 1_000
        yield b'"}'

    response = client.post("/recommend", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_long_query_string_is_refused(client):
    response = client.get("/shows", params={"q": "a" * 20_000})
    assert response.status_code == 414 and "KDRAMA_MAX_QUERY_BYTES" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/shows/..%2F..%2F..%2Fetc%2Fpasswd", "/shows/%2Fetc%2Fpasswd/similar",
                                  "/static/../../../etc/passwd", "/static/..%2F..%2Fservice%2Fsettings.py"])
def test_paths_from_requests_never_reach_the_filesystem(client, path):
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert "root:" not in response.text and "BaseSettings" not in response.text


def test_cors_is_off_unless_configured(client, make_client):
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in client.options("/health", headers=preflight).headers
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": "https://evil.example"}).headers
    allowed = make_client(cors_origins=["https://fans.example"])
    response = allowed.get("/health", headers={"Origin": "https://fans.example"})
    assert response.headers.get("access-control-allow-origin") == "https://fans.example"


def test_no_token_in_logs(guarded, caplog):
    caplog.set_level(logging.DEBUG)
    guarded.get("/admin/status", headers={"Authorization": f"Bearer {TOKEN}"})
    guarded.get("/admin/status", headers={"Authorization": f"Bearer {TOKEN}x"})
    guarded.post("/reviews", json={"show_id": "rc-a", "text": "A review to log."}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert TOKEN not in caplog.text
    settings = guarded.app.state.settings
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())

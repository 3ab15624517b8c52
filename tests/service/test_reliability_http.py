"""HTTP answers for the failures of issue 17: a full or locked store (507 / 503 + Retry-After, JSON
that says the review was not stored), HEAD on GET routes, invisible and oversized reviews."""

from __future__ import annotations

import sqlite3

import pytest

from recommender.bounds import MAX_REVIEW_CHARS

TOKEN = "reliability-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(make_client):
    return make_client(api_token=TOKEN)


def _post(client, text="A cold revenge with a prosecutor I loved.", **fields):
    return client.post("/reviews", json={"show_id": "rv-1", "text": text, **fields}, headers=AUTH)


def test_a_full_store_is_a_507_saying_nothing_was_stored(client):
    store = client.app.state.retrainer.store
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    answers = [_post(client, f"review number {i} " + "x" * 3000) for i in range(30)]
    full = [a for a in answers if a.status_code == 507]
    assert full and all(a.status_code in (201, 507) for a in answers)
    assert full[0].headers["content-type"] == "application/json"
    detail = full[0].json()["detail"]
    assert "the review was not stored" in detail and str(store.path) in detail
    stored = {r.text for r in store.reviews()}
    assert len(stored) == sum(a.status_code == 201 for a in answers)  # every 201 is there, no 507 is


def test_a_locked_store_is_a_503_with_retry_after(client):
    store = client.app.state.retrainer.store
    store._conn.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        answer = _post(client)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert "the review was not stored" in answer.json()["detail"]
    assert _post(client).status_code == 201


@pytest.mark.parametrize("path", ["/health", "/similar?title=Office%20Pretend", "/shows?q=office", "/"])
def test_head_answers_wherever_get_does(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200 and head.status_code == 200
    assert head.content == b"" and head.headers.get("content-type") == get.headers.get("content-type")


def test_head_on_a_post_only_route_is_still_405(client):
    assert client.head("/recommend").status_code == 405


@pytest.mark.parametrize("text", ["\u200b\u200b\u200b", "\u200b \u2060\ufeff\u00a0", "\u3164\u3164", "\u2800", "\u200d\u200c\n\t"])
def test_a_review_of_invisible_characters_is_a_422(client, text):
    answer = _post(client, text)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "text"]


def test_a_review_longer_than_the_shared_limit_is_a_413_naming_it(make_client):
    client = make_client(api_token=TOKEN, max_body_bytes=200_000)
    answer = _post(client, "x" * (MAX_REVIEW_CHARS + 1))
    assert answer.status_code == 413 and f"{MAX_REVIEW_CHARS:,}" in answer.json()["detail"]
    assert "MAX_REVIEW_CHARS" in answer.json()["detail"]


def test_a_review_whose_id_and_title_disagree_is_a_422(client):
    answer = client.post("/reviews", json={"show_id": "rv-1", "title": "Office Pretend", "text": "Loved it."}, headers=AUTH)
    assert answer.status_code == 422 and "names another show" in answer.text

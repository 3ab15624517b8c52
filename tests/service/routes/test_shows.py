"""GET /shows (search) and GET /shows/{show_id} (detail)."""

from __future__ import annotations

import pytest

from tests.service.conftest import SHOWS, strict_json


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["show_id"] for s in strict_json(response)["results"]]


@pytest.mark.parametrize("q, expected", [
    ("Office Pretend", "rc-a"),     # exact
    ("office", "rc-a"),             # prefix, any case
    ("pretend boyfriend", "rc-a"),  # alias
    ("오피스 연애", "rc-a"),          # Hangul title
    ("Ofice Pretnd", "rc-a"),       # misspelt
    ("ledger", "rv-2"),             # inside the title
])
def test_search_finds_a_show_by_any_name(client, q, expected):
    assert ids(client.get("/shows", params={"q": q}))[0] == expected


def test_search_results_carry_public_facts(client):
    show = strict_json(client.get("/shows", params={"q": "Friends House", "limit": 1}))["results"][0]
    assert show == {
        "show_id": "fh-1", "title": "Friends House", "native_title": "친구의 집", "year": 2022, "episodes": 4,
        "episode_minutes": 45, "total_minutes": 180, "network": "Disney+", "genres": ["Romance", "Music"],
    }


def test_empty_query_lists_the_most_popular_first(client):
    popularity = {row[0]: row[-1] for row in SHOWS}
    listed = ids(client.get("/shows", params={"limit": 5}))
    assert listed == sorted(popularity, key=lambda i: -popularity[i])[:5]


def test_search_pages_continue_each_other(client):
    whole = ids(client.get("/shows", params={"limit": 10}))
    first = client.get("/shows", params={"limit": 4}).json()
    second = client.get("/shows", params={"limit": 4, "offset": 4}).json()
    paged = [s["show_id"] for s in first["results"] + second["results"]]
    assert paged == whole[:8] and len(set(paged)) == 8
    assert first["has_more"] is True
    last = client.get("/shows", params={"limit": 10, "offset": len(SHOWS) - 2}).json()
    assert len(last["results"]) == 2 and last["has_more"] is False


@pytest.mark.parametrize("params, name", [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset"), ({"limit": "ten"}, "limit"),
    ({"q": "x" * 301}, "q"),
])
def test_bad_search_parameters_are_named(client, params, name):
    response = client.get("/shows", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", name]


def test_detail_has_facts_effective_tags_and_review_count(client, model):
    response = client.get("/shows/rc-a")
    assert response.status_code == 200
    body = strict_json(response)
    assert body["title"] == "Office Pretend" and body["total_minutes"] == 240
    assert body["aliases"] == ["Pretend Boyfriend"] and body["cast"] == ["Kim Ara", "Lee Joon"]
    assert body["catalog_tags"] == ["fake-dating", "workplace-romance", "rom-com"]
    assert body["tags"] == list(model.tags_of("rc-a"))
    assert set(body["catalog_tags"]) <= set(body["tags"])
    assert body["review_count"] == 2
    assert body["synopsis"].startswith("An office worker") and body["popularity"] == 9000


def test_detail_accepts_an_exact_title_or_hangul(client):
    assert client.get("/shows/Office Pretend").json()["show_id"] == "rc-a"
    assert client.get("/shows/유령 셰프").json()["show_id"] == "gc-1"


def test_unknown_id_is_a_404_with_suggestions(client):
    response = client.get("/shows/office-pretnd")
    assert response.status_code == 404
    body = strict_json(response)
    assert "not in the catalog" in body["detail"]
    assert body["query"] == "office-pretnd"
    assert "Office Pretend" in body["suggestions"]


def test_show_without_runtime_or_year_is_served_with_nulls(client):
    assert client.get("/shows/ur-1").json()["total_minutes"] is None
    assert client.get("/shows/ny-1").json()["year"] is None

"""GET /ask: a request in words -> its interpretation and results that honour it."""

from __future__ import annotations

from tests.service.conftest import SHOWS, strict_json

RUNTIME = {row[0]: (row[3], row[4]) for row in SHOWS}


def ask(client, q: str, **params):
    return client.get("/ask", params={"q": q, **params})


def test_ask_returns_the_interpretation_and_results_that_honour_it(client):
    response = ask(client, "like office pretend on netflix, no love triangle, vibes", k=5)
    assert response.status_code == 200, response.text
    body = strict_json(response)
    interpretation = body["interpretation"]
    assert interpretation["understood"] == "understood: like Office Pretend · on Netflix · no love-triangle"
    assert interpretation["unused"] == ["vibes"]
    assert interpretation["pieces"][0] == {"kind": "like", "value": "rc-a", "words": "like office pretend",
                                           "label": "like Office Pretend"}
    assert body["seed"]["show_id"] == "rc-a" and [s["show_id"] for s in body["seeds"]] == ["rc-a"]
    assert body["results"] and all(r["network"] == "Netflix" for r in body["results"])
    assert "rc-a" not in [r["show_id"] for r in body["results"]]
    assert body["total"] >= len(body["results"]) and body["k"] == 5


def test_the_weekend_is_the_servers(make_client):
    client = make_client(weekend_minutes=300)
    body = strict_json(ask(client, "a romance for the weekend"))
    assert body["interpretation"]["pieces"][-1]["label"] == "weekend (<= 5 h)"
    assert body["results"] and all(r["total_minutes"] <= 300 for r in body["results"])


def test_text_only_request_has_no_seed(client):
    body = strict_json(ask(client, "a revenge thriller"))
    assert body["seed"] is None and body["seeds"] == []
    assert {r["show_id"] for r in body["results"][:3]} == {"rv-1", "rv-2", "rv-3"}


def test_empty_or_blank_q_is_a_422_naming_q(client):
    for params in ({"q": ""}, {"q": "   "}, {}):
        response = client.get("/ask", params=params)
        assert response.status_code == 422, params
        assert [issue["loc"][-1] for issue in strict_json(response)["detail"]] == ["q"]


def test_nothing_to_rank_by_is_a_422_naming_q(client):
    response = ask(client, "on netflix this weekend")
    assert response.status_code == 422
    issue = strict_json(response)["detail"][0]
    assert issue["loc"] == ["query", "q"] and "nothing to rank by" in issue["msg"]


def test_k_above_the_servers_limit_is_a_422_naming_k(make_client):
    client = make_client(max_k=5)
    response = ask(client, "a romance", k=6)
    assert response.status_code == 422
    assert strict_json(response)["detail"][0]["loc"] == ["query", "k"]

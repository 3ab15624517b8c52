"""GET / and /static/{name} (the web page's files) and GET /config. The page itself is tested in a
real browser by tests/service/test_page_browser.py."""

from __future__ import annotations

import re

import pytest

from service.routes.page import STATIC_DIR
from tests.service.conftest import strict_json


def test_the_page_is_served_at_the_root_with_a_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(("name", "kind"), [("app.js", "text/javascript"), ("style.css", "text/css")])
def test_the_page_files_are_served_with_their_types(client, name, kind):
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)


def test_the_page_loads_nothing_from_elsewhere():
    # offline, and no third party sees who browses: every reference is to this server
    for name in ("index.html", "app.js", "style.css"):
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//|url\((https?:)?//|@import|fetch\(\"https?:", text), name


def test_the_page_script_never_writes_markup():
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML\(|document\.write\(", script)


@pytest.mark.parametrize("name", [".hidden.js", "missing.js", "page.py", "index.HTML.bak", "%2e%2e%2fapp.py"])
def test_only_page_files_are_served(client, name):
    response = client.get(f"/static/{name}")
    assert response.status_code == 404


def test_the_api_paths_still_answer_json(client):
    # the page's routes come last: they never shadow an API path
    assert client.get("/health").headers["content-type"] == "application/json"
    assert "/" not in strict_json(client.get("/openapi.json"))["paths"]


def test_config_tells_the_page_the_weekend_of_this_server(make_client):
    body = strict_json(make_client(weekend_minutes=600, max_k=50).get("/config"))
    assert body == {"weekend_minutes": 600, "max_k": 50}

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


SCRIPTS = sorted(path.name for path in STATIC_DIR.glob("*.js"))


@pytest.mark.parametrize(("name", "kind"), [*((name, "text/javascript") for name in SCRIPTS), ("style.css", "text/css")])
def test_the_page_files_are_served_with_their_types(client, name, kind):
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)


def test_the_page_loads_nothing_from_elsewhere():
    # offline, and no third party sees who browses: every reference is to this server
    for name in ("index.html", *SCRIPTS, "style.css"):
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//|url\((https?:)?//|@import|fetch\(\"https?:", text), name


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_page_script_never_writes_markup(name):
    script = (STATIC_DIR / name).read_text(encoding="utf-8")
    assert not re.search(r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML\(|document\.write\(", script)


def test_the_page_is_split_into_modules_loaded_from_here():
    # ES modules, no build step: the page names its entry point, which imports the rest by relative path
    assert {"api.js", "state.js", "view.js", "main.js"} <= set(SCRIPTS)
    assert '<script type="module" src="/static/main.js">' in (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for name in SCRIPTS:
        for target in re.findall(r"\bfrom \"(.+?)\";", (STATIC_DIR / name).read_text(encoding="utf-8")):
            assert target.startswith("./") and (STATIC_DIR / target[2:]).is_file(), (name, target)


def test_only_api_js_builds_urls():
    # one place knows the endpoints: the other modules call its named functions
    for name in SCRIPTS:
        if name != "api.js":
            assert "fetch(" not in (STATIC_DIR / name).read_text(encoding="utf-8"), name


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

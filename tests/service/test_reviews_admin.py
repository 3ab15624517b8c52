"""POST /reviews, POST /admin/retrain, GET /admin/status: auth, learning from a review, hot swap,
crash safety of the artifact and of accepted reviews."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from recommender.artifact import load_artifact, read_header
from recommender.cli import main
from recommender.store import ReviewStore
from tests import servers

from .conftest import REVIEWS, SHOWS, copy_model, train_model, write_catalog

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SOUNDTRACK = ("st-1", "Soundtrack #1", 2022, 4, 45, "Disney+", "Music|Romance", "friends-to-lovers|co-habitation|music",
              "Park Hyung|Han So", "Soundtrack No. 1", "", "A photographer and a lyricist, best friends for twenty years, "
              "share a house for two weeks while she writes a song.", 6500)
YESTERDAY = ("tt-1", "Yesterday Again", 2023, 8, 45, "tvN", "Fantasy|Romance", "time-travel|fantasy-romance",
             "Seo Yul", "", "", "A woman wakes up in the past and must win back her first love before time runs out.", 3000)
ROWS = [*SHOWS, SOUNDTRACK, YESTERDAY]
TIME_TRAVEL_REVIEW = ("Halfway through, this becomes a time travel story: she keeps jumping back to the summer they met. "
                      "The time travel twist makes the friends-to-lovers ending hit harder.")


@pytest.fixture(scope="module")
def catalog_model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("catalog")
    shows, reviews = write_catalog(folder, ROWS, REVIEWS)
    return train_model(shows, [reviews], folder / "model.joblib")


@pytest.fixture
def model_path(catalog_model, tmp_path) -> Path:
    """Overrides conftest's: catalog files in tmp_path/data and a private model at KDRAMA_MODEL_PATH,
    so conftest's make_client serves this catalog."""
    write_catalog(tmp_path / "data", ROWS, REVIEWS)
    # same inputs, same fingerprint: a retrain only has stored reviews to learn from
    return copy_model(catalog_model, Path(os.environ["KDRAMA_MODEL_PATH"]))


@pytest.fixture
def served(model_path) -> Path:
    return model_path


@pytest.fixture
def admin(served, make_client):
    return make_client(api_token=TOKEN, shows_path=Path("data/shows.csv"), reviews_paths=[Path("data/reviews.jsonl")])


def post_review(client, text, **fields):
    return client.post("/reviews", json={"title": "Soundtrack #1", "text": text, **fields}, headers=AUTH)


# ---- access ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("method, path", [("post", "/reviews"), ("post", "/admin/retrain"), ("get", "/admin/status")])
def test_without_a_configured_token_writes_and_admin_are_off(served, make_client, method, path):
    client = make_client()
    response = getattr(client, method)(path, headers=AUTH, **({"json": {"title": "x", "text": "y"}} if method == "post" else {}))
    assert response.status_code == 403
    assert "set KDRAMA_API_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": TOKEN}])
def test_a_missing_or_wrong_token_is_401(admin, headers):
    for response in (admin.post("/reviews", json={"title": "Soundtrack #1", "text": "hi"}, headers=headers),
                     admin.get("/admin/status", headers=headers), admin.post("/admin/retrain", headers=headers)):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert not ReviewStore(os.environ["KDRAMA_DB_PATH"]).reviews()


def test_reads_stay_open_without_a_token(admin):
    assert admin.get("/similar", params={"title": "Soundtrack #1"}).status_code == 200


# ---- POST /reviews --------------------------------------------------------------------------------
def test_a_review_is_stored_once(admin):
    first = post_review(admin, "Two best friends, one house, a lot of pining.", author="Mina", rating=9)
    assert first.status_code == 201
    body = first.json()
    assert (body["show_id"], body["title"], body["author"], body["rating"], body["created"]) == (
        "st-1", "Soundtrack #1", "Mina", 9.0, True)
    again = post_review(admin, "Two best friends,  one house, a lot of pining.", author="Mina", rating=9)
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["created"] is False
    by_id = admin.post("/reviews", json={"show_id": "st-1", "text": "Short and sweet."}, headers=AUTH)
    assert by_id.status_code == 201


def test_review_errors_name_what_is_wrong(make_client, served):
    client = make_client(api_token=TOKEN, max_review_chars=50)
    too_long = post_review(client, "x" * 51)
    assert too_long.status_code == 413 and "at most 50" in too_long.json()["detail"]
    unknown = client.post("/reviews", json={"title": "Sountrack 1", "text": "hi"}, headers=AUTH)
    assert unknown.status_code == 404 and "Soundtrack #1" in unknown.json()["suggestions"]
    nameless = client.post("/reviews", json={"text": "hi"}, headers=AUTH)
    assert nameless.status_code == 422 and nameless.json()["detail"][0]["loc"] == ["body", "show_id"]
    bad_rating = post_review(client, "hi", rating=11)
    assert bad_rating.status_code == 422 and bad_rating.json()["detail"][0]["loc"] == ["body", "rating"]
    extra = post_review(client, "hi", stars=5)
    assert extra.status_code == 422


# ---- retrain: a review changes the model ----------------------------------------------------------
def test_a_time_travel_review_makes_time_travel_a_tag_and_changes_recommendations(admin):
    before = admin.get("/similar", params={"title": "Soundtrack #1", "k": 20}).json()
    old_version = before["model_version"]
    assert "time-travel" not in admin.get("/shows/st-1").json()["tags"]
    assert post_review(admin, TIME_TRAVEL_REVIEW).status_code == 201
    status = admin.get("/admin/status", headers=AUTH).json()
    assert status["reviews_waiting"] == 1 and status["last_retrain"] is None

    response = admin.post("/admin/retrain", headers=AUTH)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["outcome"] == "trained" and result["previous_version"] == old_version
    assert result["model_version"] != old_version

    assert "time-travel" in admin.get("/shows/st-1").json()["tags"]
    after = admin.get("/similar", params={"title": "Soundtrack #1", "k": 20}).json()
    assert after["model_version"] == result["model_version"]

    def yesterday(page):
        return next(r for r in page["results"] if r["show_id"] == "tt-1")

    assert "time-travel" in yesterday(after)["reasons"]["shared_tags"]
    assert "time-travel" not in yesterday(before)["reasons"]["shared_tags"]
    assert yesterday(after)["score"] > yesterday(before)["score"]
    assert [r["show_id"] for r in after["results"]].index("tt-1") < [r["show_id"] for r in before["results"]].index("tt-1")

    status = admin.get("/admin/status", headers=AUTH).json()
    assert status["model_version"] == result["model_version"] and status["reviews_waiting"] == 0
    assert status["last_retrain"]["outcome"] == "trained" and status["last_retrain"]["seconds"] > 0
    skipped = admin.post("/admin/retrain", headers=AUTH).json()
    assert skipped["outcome"] == "skipped" and "retrain skipped" in skipped["summary"]
    assert skipped["model_version"] == result["model_version"]


def test_a_failed_retrain_keeps_the_old_model_and_says_why(served, make_client, tmp_path):
    client = make_client(api_token=TOKEN, shows_path=tmp_path / "gone.csv")
    version = client.get("/health").json()["model_version"]
    response = client.post("/admin/retrain", headers=AUTH, params={"force": True})
    assert response.status_code == 500 and response.json()["outcome"] == "failed"
    assert "gone.csv: file not found" in response.json()["error"]
    assert client.get("/health").json()["model_version"] == version
    status = client.get("/admin/status", headers=AUTH).json()
    assert status["last_retrain"]["outcome"] == "failed" and "gone.csv" in status["last_retrain"]["error"]


def test_automatic_retrain_after_n_reviews(served, make_client):
    client = make_client(api_token=TOKEN, shows_path=Path("data/shows.csv"), reviews_paths=[Path("data/reviews.jsonl")],
                         retrain_after_reviews=2)
    version = client.get("/health").json()["model_version"]
    post_review(client, "First new review about pining.")
    assert client.app.state.retrainer.store.last_run() is None
    post_review(client, TIME_TRAVEL_REVIEW)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and client.get("/health").json()["model_version"] == version:
        time.sleep(0.2)
    assert client.get("/health").json()["model_version"] != version


# ---- crash safety of the artifact -----------------------------------------------------------------
HALFWAY = """
import os, sys, time
real_replace = os.replace
def stall(src, dst):  # the new file is written and fsynced; the rename that publishes it never happens
    print("HALFWAY", flush=True)
    time.sleep(120)
    real_replace(src, dst)
os.replace = stall
from recommender.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_retrain_killed_halfway_and_a_tampered_file_leave_the_last_good_model_serving(admin, served, tmp_path):
    version = admin.get("/health").json()["model_version"]
    before = served.read_bytes()
    assert post_review(admin, TIME_TRAVEL_REVIEW).status_code == 201
    args = ["retrain", "--force", "--quiet", "--shows", "data/shows.csv", "--reviews", "data/reviews.jsonl",
            "--db", os.environ["KDRAMA_DB_PATH"], "--out", str(served)]
    process = subprocess.Popen([sys.executable, "-c", HALFWAY, *args], cwd=tmp_path, env=dict(os.environ),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "HALFWAY", process.stderr.read()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert served.read_bytes() == before  # the previous artifact, intact
    assert load_artifact(served).meta["model_version"] == version
    time.sleep(1.1)  # past the holder's once-a-second check
    assert admin.get("/health").json()["model_version"] == version
    status = admin.get("/admin/status", headers=AUTH).json()
    assert status["last_retrain"]["outcome"] == "interrupted" and status["reviews_waiting"] == 1

    # a forged "newer" model (header edited, payload altered): the signature fails and nothing is unpickled
    forged_version = version.replace(version[:4], str(int(version[:4]) + 1), 1)
    data = bytearray(before.replace(version.encode(), forged_version.encode()))
    data[-100] ^= 0xFF
    tampered = served.with_name("tampered.joblib")
    tampered.write_bytes(bytes(data))
    os.replace(tampered, served)
    time.sleep(1.1)
    assert admin.get("/similar", params={"title": "Soundtrack #1"}).json()["model_version"] == version
    status = admin.get("/admin/status", headers=AUTH).json()
    assert status["model_version"] == version and "signature does not verify" in status["last_reload_error"]

    # the next good retrain replaces the tampered file and goes live
    result = admin.post("/admin/retrain", headers=AUTH).json()
    assert result["outcome"] == "trained" and result["model_version"] > version
    assert read_header(served)[0]["model_version"] == result["model_version"]
    assert admin.get("/admin/status", headers=AUTH).json()["last_reload_error"] is None


# ---- a real server ----------------------------------------------------------------------------------
class Server(servers.Server):
    """The shared test server, with the write token configured."""

    def __init__(self, cwd: Path, workers: int = 1):
        super().__init__(cwd, workers=workers, env={"KDRAMA_API_TOKEN": TOKEN})


@pytest.fixture
def server_dir(served, tmp_path) -> Path:
    return tmp_path


@pytest.mark.slow
def test_three_retrains_under_steady_queries_fail_no_request_and_only_move_forward(server_dir):
    server = Server(server_dir)
    seen: list[str] = []
    failures: list[str] = []
    stop = threading.Event()

    def query() -> None:
        with httpx.Client(base_url=server.base, timeout=10.0) as client:
            while not stop.is_set():
                try:
                    response = client.get("/similar", params={"title": "Soundtrack #1", "k": 5})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code}: {response.text[:200]}")
                    else:
                        seen.append(response.json()["model_version"])
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))

    thread = threading.Thread(target=query)
    thread.start()
    try:
        versions = []
        with httpx.Client(base_url=server.base, timeout=60.0, headers=AUTH) as admin:
            for n in range(3):
                posted = admin.post("/reviews", json={"title": "Soundtrack #1", "text": f"Review {n}: {TIME_TRAVEL_REVIEW}"})
                assert posted.status_code == 201
                result = admin.post("/admin/retrain").json()
                assert result["outcome"] == "trained", result
                versions.append(result["model_version"])
                time.sleep(0.3)
    finally:
        stop.set()
        thread.join(timeout=30)
        server.stop()
    assert failures == []
    assert len(seen) > 20
    assert seen == sorted(seen), "model_version went backwards"
    assert versions == sorted(versions) and len(set(versions)) == 3
    assert seen[-1] == versions[-1]


@pytest.mark.slow
def test_two_workers_pick_up_a_new_model_and_every_accepted_review_survives_a_sigkill(server_dir):
    server = Server(server_dir, workers=2)
    accepted: dict[str, int] = {}
    try:
        old = httpx.get(f"{server.base}/health").json()["model_version"]
        for n in range(30):  # a fresh connection each time, so both workers take some
            text = f"Review number {n}: best friends, one roof, and a song that will not finish itself."
            response = httpx.post(f"{server.base}/reviews", json={"show_id": "st-1", "text": text},
                                  headers={**AUTH, "Connection": "close"}, timeout=10.0)
            assert response.status_code == 201
            accepted[text] = response.json()["id"]

        # a retrain by another process (here the CLI): every worker notices the new file on its own
        assert main(["retrain", "--quiet", "--shows", str(server_dir / "data/shows.csv"), "--reviews",
                     str(server_dir / "data/reviews.jsonl"), "--out", os.environ["KDRAMA_MODEL_PATH"]]) == 0
        new = read_header(os.environ["KDRAMA_MODEL_PATH"])[0]["model_version"]
        assert new > old
        time.sleep(1.2)  # each worker stats the file at most once a second
        answers = {httpx.get(f"{server.base}/health", headers={"Connection": "close"}).json()["model_version"]
                   for _ in range(40)}
        assert answers == {new}
    finally:
        server.kill()  # no shutdown, no flush: the whole process group dies at once
    with ReviewStore(os.environ["KDRAMA_DB_PATH"]) as store:
        assert {r.text: r.id for r in store.reviews()} == accepted
    server = Server(server_dir)
    try:
        with httpx.Client(base_url=server.base, timeout=10.0, headers=AUTH) as client:
            for text, review_id in accepted.items():
                again = client.post("/reviews", json={"show_id": "st-1", "text": text})
                assert again.status_code == 200 and again.json()["id"] == review_id
            assert client.get("/admin/status").json()["reviews_stored"] == len(accepted)
    finally:
        server.stop()

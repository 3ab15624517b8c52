"""Several replicas on one PostgreSQL: two real `kdrama serve` processes sharing the database and
no directory. Reviews land in one place, one replica retrains, both serve the new model within a
few seconds, and a replica SIGKILLed mid-burst and mid-retrain loses no acknowledged review and
leaves the retrain lock free."""

from __future__ import annotations

import csv
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from recommender.retraining import retrain
from recommender.store_pg import PostgresReviewStore
from tests.servers import Server
from tests.service.conftest import ROOT, write_catalog

pytestmark = pytest.mark.slow

KEY, TOKEN = "replica-test-key", "replica-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Prober(threading.Thread):
    """Queries every server in turn until stopped; counts answers that were not 200."""

    def __init__(self, bases: list[str], path: str):
        super().__init__(daemon=True)
        self.bases, self.path = bases, path
        self.ok, self.failed, self.errors = Counter(), Counter(), []
        self._stop_event = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10.0) as client:
            while not self._stop_event.is_set():
                for base in self.bases:
                    try:
                        response = client.get(base + self.path)
                        good = response.status_code == 200
                    except httpx.HTTPError as exc:
                        good, response = False, exc
                    (self.ok if good else self.failed)[base] += 1
                    if not good:
                        self.errors.append(f"{base}: {response}")
                time.sleep(0.01)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=15)


def _replica(folder: Path, pg_url: str, shows: Path, reviews: Path) -> Server:
    """A replica in a directory of its own, with its own copy of the catalog files."""
    folder.mkdir(parents=True)
    local = [folder / "shows.csv", folder / "reviews.jsonl"]
    for source, target in zip((shows, reviews), local, strict=True):
        target.write_bytes(source.read_bytes())
    return Server(folder, isolate=True, env={
        "KDRAMA_DATABASE_URL": pg_url, "KDRAMA_ARTIFACT_KEY": KEY, "KDRAMA_API_TOKEN": TOKEN,
        "KDRAMA_SHOWS_PATH": str(local[0]), "KDRAMA_REVIEWS_PATHS": str(local[1]),
        "KDRAMA_MODEL_PATH": str(folder / "no-such-model.joblib"),  # proves nothing is read from a file
    })


def _publish_first_model(pg_url: str, shows: Path, reviews: Path, monkeypatch) -> str:
    monkeypatch.setenv("KDRAMA_ARTIFACT_KEY", KEY)
    with PostgresReviewStore(pg_url) as store:
        return retrain(shows, [reviews], store).meta["model_version"]


def _version(base: str) -> str:
    return httpx.get(f"{base}/health", timeout=5).json()["model_version"]


def test_two_replicas_share_reviews_and_both_serve_a_retrain_within_seconds(pg_url, tmp_path, monkeypatch):
    shows, reviews = write_catalog(tmp_path / "catalog")
    first = _publish_first_model(pg_url, shows, reviews, monkeypatch)
    with _replica(tmp_path / "a", pg_url, shows, reviews) as a, _replica(tmp_path / "b", pg_url, shows, reviews) as b:
        assert a.health["model_version"] == b.health["model_version"] == first
        prober = Prober([a.base, b.base], "/similar?title=Office%20Pretend&k=3")
        prober.start()
        for i in range(20):
            replica = (a, b)[i % 2]
            posted = httpx.post(f"{replica.base}/reviews", headers=AUTH, timeout=10,
                                json={"show_id": "rc-a", "text": f"Review number {i}: fake dating at the office."})
            assert posted.status_code == 201, posted.text
        status = httpx.get(f"{b.base}/admin/status", headers=AUTH, timeout=10).json()
        assert status["reviews_stored"] == 20  # posted to both, seen by both

        retrained = httpx.post(f"{a.base}/admin/retrain", headers=AUTH, timeout=120)
        done = time.perf_counter()
        assert retrained.status_code == 200, retrained.text
        new = retrained.json()["model_version"]
        assert retrained.json()["outcome"] == "trained" and new != first
        while {_version(a.base), _version(b.base)} != {new} and time.perf_counter() - done < 10:
            time.sleep(0.05)
        swap_seconds = time.perf_counter() - done
        time.sleep(0.5)  # a little more traffic on the new model
        prober.stop()

        assert _version(a.base) == _version(b.base) == new, f"not both on {new} after {swap_seconds:.1f} s"
        print(f"\nboth replicas served {new} {swap_seconds:.2f} s after the retrain answered; "
              f"{sum(prober.ok.values())} queries, {sum(prober.failed.values())} failed")
        assert not prober.failed, prober.errors[:5]
        assert min(prober.ok.values()) > 10
        assert httpx.get(f"{b.base}/health", timeout=5).json()["n_reviews"] == 6 + 20


@pytest.fixture
def bundled_catalog() -> tuple[Path, Path, str]:
    """The bundled data: training takes long enough (seconds) to kill a replica in the middle of it."""
    shows, reviews = ROOT / "data" / "shows.csv", ROOT / "data" / "reviews.jsonl"
    if not shows.exists() or not reviews.exists():
        pytest.skip("the bundled data/ is absent")
    with open(shows, encoding="utf-8") as handle:
        show_id = next(csv.DictReader(handle))["show_id"]
    return shows, reviews, show_id


def test_a_replica_killed_mid_burst_and_mid_retrain_loses_nothing_acknowledged(pg_url, tmp_path, monkeypatch,
                                                                              bundled_catalog):
    shows, reviews, show_id = bundled_catalog
    first = _publish_first_model(pg_url, shows, reviews, monkeypatch)
    with _replica(tmp_path / "a", pg_url, shows, reviews) as a, _replica(tmp_path / "b", pg_url, shows, reviews) as b:
        prober = Prober([b.base], "/similar?title=" + show_id + "&k=5")
        prober.start()
        acknowledged: list[int] = []
        stop = threading.Event()

        def burst() -> None:
            with httpx.Client(timeout=10.0) as client:
                i = 0
                while not stop.is_set():
                    try:
                        r = client.post(f"{a.base}/reviews", headers=AUTH,
                                        json={"show_id": show_id, "text": f"Burst review {i}, a fine friends-to-lovers story."})
                    except httpx.HTTPError:
                        return  # the replica is gone
                    if r.status_code == 201:
                        acknowledged.append(r.json()["id"])
                    i += 1

        def retrain_on_a() -> None:
            try:
                httpx.post(f"{a.base}/admin/retrain?force=true", headers=AUTH, timeout=120)
            except httpx.HTTPError:
                pass  # killed mid-retrain: no answer

        poster = threading.Thread(target=burst, daemon=True)
        poster.start()
        while len(acknowledged) < 20:
            time.sleep(0.01)
        trainer = threading.Thread(target=retrain_on_a, daemon=True)
        trainer.start()
        with PostgresReviewStore(pg_url) as store:
            deadline = time.monotonic() + 30
            while not store.retrain_lock_held():
                assert time.monotonic() < deadline, "the retrain on replica A never took the lock"
                time.sleep(0.005)
            time.sleep(0.3)  # well inside a retrain that takes seconds on the bundled data
            a.kill()  # SIGKILL, the whole process group, mid-burst and mid-retrain
            killed = time.monotonic()
            stop.set()
            poster.join(timeout=15)
            trainer.join(timeout=15)

            while store.retrain_lock_held():
                assert time.monotonic() - killed < 10, "the dead replica's retrain lock was not released"
                time.sleep(0.05)
            freed = time.monotonic() - killed
            stored = {r.id for r in store.reviews()}
            assert set(acknowledged) <= stored, f"acknowledged but lost: {sorted(set(acknowledged) - stored)[:10]}"
            assert store.last_run().outcome == "interrupted"

        # the other replica kept serving, and can retrain now the lock is free
        retrained = httpx.post(f"{b.base}/admin/retrain", headers=AUTH, timeout=120)
        assert retrained.status_code == 200, retrained.text
        new = retrained.json()["model_version"]
        assert retrained.json()["outcome"] == "trained" and new != first and _version(b.base) == new
        prober.stop()
        print(f"\n{len(acknowledged)} reviews acknowledged before the kill, all stored; lock free {freed:.2f} s after "
              f"SIGKILL; replica B answered {sum(prober.ok.values())} queries, {sum(prober.failed.values())} failed")
        assert not prober.failed, prober.errors[:5]
        assert httpx.get(f"{b.base}/health", timeout=5).json()["n_reviews"] >= 860 + len(acknowledged)
